using AfmServing.Core.Encoding;
using AfmServing.Core.Features;
using AfmServing.Core.Manifest;

namespace AfmServing.Core.Tests.Encoding;

/// <summary>Values as clients send them (FieldEncoder.TryEncode) agree with values as data files hold them (TryEncodeText).</summary>
public sealed class FieldEncoderRequestValueTests
{
    private static FieldEncoder Categorical(bool multiValued = false) => new(new FieldSpec
    {
        Name = "daytime",
        Offset = 10,
        Size = 4,
        MultiValued = multiValued,
        Categorical = new CategoricalEncoding { Vocabulary = ["morning", "evening", "night"] },
    }, 0);

    private static FieldEncoder Numeric() => new(new FieldSpec
    {
        Name = "price",
        Kind = FieldKinds.Numeric,
        Offset = 3,
        Size = 1,
        Numeric = new NumericTransform { Log1p = true, Std = 1 },
    }, 0);

    [Fact]
    public void TryEncode_EmptyString_IsMissingAsAnEmptyCellIs()
    {
        foreach (var field in new[] { Categorical(), Numeric() })
        {
            Assert.True(field.TryEncode(FeatureValue.FromString(""), out long id, out float x, out _));
            Assert.True(field.TryEncodeText("", out long cellId, out float cellX, out _));

            Assert.Equal((field.MissingId, 0f), (id, x));
            Assert.Equal((cellId, cellX), (id, x));
        }
    }

    [Fact]
    public void TryEncode_EmptyListOrListOfEmptyStrings_IsMissing()
    {
        var field = Categorical(multiValued: true);

        Assert.True(field.TryEncode(FeatureValue.FromList([]), out long empty, out float emptyX, out _));
        Assert.True(field.TryEncode(FeatureValue.FromList(["", ""]), out long blanks, out float blanksX, out _));

        Assert.Equal((field.MissingId, 0f), (empty, emptyX));
        Assert.Equal((field.MissingId, 0f), (blanks, blanksX));
    }

    [Fact]
    public void TryEncode_IntegerBeyond2Pow53_FailsAskingForAStringId()
    {
        // Avazu's 20-digit id 10000169349117863715 as a JSON number: a double cannot hold it exactly.
        Assert.False(Categorical().TryEncode(FeatureValue.FromNumber(10000169349117863715d), out _, out _, out string? error));

        Assert.Contains("beyond 2^53", error, StringComparison.Ordinal);
        Assert.Contains("send ids as strings", error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryEncode_IntegralNumberBelow2Pow53_EncodesAsItsInvariantText()
    {
        var field = Categorical();

        Assert.True(field.TryEncode(FeatureValue.FromNumber(9007199254740991d), out long fromNumber, out _, out _));
        Assert.True(field.TryEncodeText("9007199254740991", out long fromText, out _, out _));

        Assert.Equal(fromText, fromNumber);
    }

    [Fact]
    public void TryEncode_Fraction_StillNamedNonIntegral()
    {
        Assert.False(Categorical().TryEncode(FeatureValue.FromNumber(1.5), out _, out _, out string? error));
        Assert.Contains("non-integral", error, StringComparison.Ordinal);
    }
}
