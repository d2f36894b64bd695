using System.Globalization;
using AfmServing.Core.Features;
using AfmServing.Core.Manifest;

namespace AfmServing.Core.Encoding;

/// <summary>
/// Turns one field's raw value into its table row and value. The trainer and the server both use
/// this class, so the mapping cannot drift between training and serving.
/// </summary>
public sealed class FieldEncoder
{
    private readonly Dictionary<string, int>? _vocabulary;
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _vocabularyLookup;
    private readonly int _buckets;
    private readonly NumericTransform? _numeric;

    /// <summary>2^53: integers below it are exact in a double (a JSON number).</summary>
    private const double MaxExactInteger = 9.007199254740992E15;

    public FieldEncoder(FieldSpec spec, int index)
    {
        ArgumentNullException.ThrowIfNull(spec);
        Spec = spec;
        Index = index;
        IsNumeric = spec.Kind == FieldKinds.Numeric;
        if (IsNumeric)
        {
            _numeric = spec.Numeric!;
        }
        else if (spec.Categorical!.Encoding == CategoricalEncodings.Vocabulary)
        {
            var vocab = spec.Categorical.Vocabulary!;
            _vocabulary = new Dictionary<string, int>(vocab.Count, StringComparer.Ordinal);
            for (int i = 0; i < vocab.Count; i++)
                _vocabulary.TryAdd(vocab[i], i + 1);
            _vocabularyLookup = _vocabulary.GetAlternateLookup<ReadOnlySpan<char>>();
        }
        else
        {
            _buckets = spec.Categorical.Buckets;
        }
    }

    public FieldSpec Spec { get; }

    /// <summary>Column of this field in the graph inputs.</summary>
    public int Index { get; }

    public string Name => Spec.Name;

    public bool IsNumeric { get; }

    /// <summary>The table row used for a missing value (its value is 0, so the field is masked).</summary>
    public long MissingId => Spec.Offset;

    /// <summary>
    /// Encodes <paramref name="value"/>. Returns false with a reason when the value's type does not fit the
    /// field (the caller names the field); missing values encode as <see cref="MissingId"/> with value 0.
    /// </summary>
    public bool TryEncode(in FeatureValue value, out long id, out float x, out string? error)
    {
        error = null;
        switch (value.Kind)
        {
            case FeatureValueKind.Missing:
            // An empty string or list is missing, as an empty cell is in training data (TryEncodeText): encoding it
            // as a category here would score a value the model never saw for rows it was trained on as missing.
            case FeatureValueKind.Text when value.Text!.Length == 0:
                id = MissingId;
                x = 0f;
                return true;
            case FeatureValueKind.Number when IsNumeric:
                return TryEncodeNumber(value.Number, out id, out x, out error);
            case FeatureValueKind.Number:
                // Integral ids sent as JSON numbers are common; accept them in invariant form.
                double d = value.Number;
                if (double.IsFinite(d) && Math.Floor(d) == d && Math.Abs(d) < MaxExactInteger)
                {
                    Span<char> buffer = stackalloc char[24];
                    ((long)d).TryFormat(buffer, out int written, default, CultureInfo.InvariantCulture);
                    id = EncodeCategorical(buffer[..written]);
                    x = 1f;
                    return true;
                }
                // JSON numbers are doubles: a 20-digit id (Avazu's) arrives rounded, so it would silently become another id.
                if (double.IsFinite(d) && Math.Floor(d) == d)
                    return Fail("expected a string (categorical), got an integer beyond 2^53 that a JSON number cannot hold exactly; send ids as strings", out id, out x, out error);
                return Fail("expected a string (categorical), got a non-integral number", out id, out x, out error);
            case FeatureValueKind.Text when !IsNumeric:
                id = EncodeCategorical(value.Text);
                x = 1f;
                return true;
            case FeatureValueKind.List when !IsNumeric && Spec.MultiValued:
                string canonical = Canonicalise(value.List!);
                if (canonical.Length == 0)
                    return TryEncode(FeatureValue.Missing, out id, out x, out error);
                id = EncodeCategorical(canonical);
                x = 1f;
                return true;
            case FeatureValueKind.List when !IsNumeric:
                return Fail("expected a string, got a list (the field is not multi-valued)", out id, out x, out error);
            default:
                return Fail(IsNumeric ? $"expected a number, got a {Describe(value.Kind)}" : $"expected a string, got a {Describe(value.Kind)}", out id, out x, out error);
        }
    }

    /// <summary>Encodes a raw string as read from a data file or a feature store (numbers in invariant culture).</summary>
    public bool TryEncodeText(string? text, out long id, out float x, out string? error)
    {
        if (string.IsNullOrEmpty(text))
            return TryEncode(FeatureValue.Missing, out id, out x, out error);
        if (!IsNumeric)
        {
            error = null;
            id = EncodeCategorical(text);
            x = 1f;
            return true;
        }
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double d))
            return Fail($"'{Truncate(text)}' is not a number", out id, out x, out error);
        return TryEncodeNumber(d, out id, out x, out error);
    }

    /// <summary>Sorted, distinct, '|'-joined: the one string a multi-valued value is encoded as.</summary>
    public static string Canonicalise(IReadOnlyList<string> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var copy = new List<string>(values.Count);
        foreach (var v in values)
            if (!string.IsNullOrEmpty(v))
                copy.Add(v);
        copy.Sort(StringComparer.Ordinal);
        var distinct = new List<string>(copy.Count);
        foreach (var v in copy)
            if (distinct.Count == 0 || !string.Equals(distinct[^1], v, StringComparison.Ordinal))
                distinct.Add(v);
        return string.Join('|', distinct);
    }

    /// <summary>The numeric transform alone (clip, signed log1p, standardise).</summary>
    public double Transform(double raw)
    {
        var t = _numeric!;
        double v = raw;
        if (t.ClipMin is { } lo && v < lo) v = lo;
        if (t.ClipMax is { } hi && v > hi) v = hi;
        if (t.Log1p) v = Math.Sign(v) * Math.Log(1 + Math.Abs(v));
        return (v - t.Mean) / t.Std;
    }

    private bool TryEncodeNumber(double raw, out long id, out float x, out string? error)
    {
        if (!double.IsFinite(raw))
            return Fail("number must be finite (NaN and infinities are rejected)", out id, out x, out error);
        double v = Transform(raw);
        if (!double.IsFinite(v) || Math.Abs(v) > float.MaxValue)
            return Fail("number is out of range after the field's transform", out id, out x, out error);
        id = Spec.Offset;
        x = (float)v;
        error = null;
        return true;
    }

    private long EncodeCategorical(ReadOnlySpan<char> value)
    {
        if (_vocabulary is not null)
            return Spec.Offset + (_vocabularyLookup.TryGetValue(value, out int row) ? row : 0);
        return Spec.Offset + (long)(StableHash.Fnv1a64(value) % (ulong)_buckets);
    }

    private static bool Fail(string reason, out long id, out float x, out string? error)
    {
        id = 0;
        x = 0;
        error = reason;
        return false;
    }

    private static string Describe(FeatureValueKind kind) => kind switch
    {
        FeatureValueKind.Text => "string",
        FeatureValueKind.Number => "number",
        FeatureValueKind.List => "list",
        _ => "missing value",
    };

    private static string Truncate(string s) => s.Length <= 40 ? s : string.Concat(s.AsSpan(0, 40), "…");
}
