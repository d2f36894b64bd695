using AfmServing.Core.Features;
using AfmServing.Core.Scoring;
using Google.Protobuf.Collections;
using Google.Protobuf.WellKnownTypes;

namespace AfmServing.Server.Grpc;

/// <summary>Maps google.protobuf.Value feature maps to <see cref="FeatureValue"/>s, naming the field on a bad type.</summary>
internal static class ProtoFeatureMapper
{
    /// <summary>Maps the context (<paramref name="candidate"/> = -1) or candidate <paramref name="candidate"/>'s features.</summary>
    public static IReadOnlyDictionary<string, FeatureValue> Map(MapField<string, Value> features, int candidate)
    {
        if (features.Count == 0)
            return ScoreQuery.EmptyFeatures;
        var result = new Dictionary<string, FeatureValue>(features.Count, StringComparer.Ordinal);
        foreach (var (name, value) in features)
            result[name] = Map(value, candidate, name);
        return result;
    }

    // Where a bad value sits, built only for the error: formatting it for every candidate cost ~60 bytes each.
    private static string Where(int candidate) =>
        candidate < 0 ? "context" : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"candidates[{candidate}].features");

    private static FeatureValue Map(Value? value, int candidate, string name)
    {
        switch (value?.KindCase ?? Value.KindOneofCase.NullValue)
        {
            case Value.KindOneofCase.None:
            case Value.KindOneofCase.NullValue:
                return FeatureValue.Missing;
            case Value.KindOneofCase.StringValue:
                return FeatureValue.FromString(value!.StringValue);
            case Value.KindOneofCase.NumberValue:
                double d = value!.NumberValue;
                if (!double.IsFinite(d))
                    throw ScoringException.Invalid($"{Where(candidate)}.{Shown(name)}", "number must be finite (NaN and infinities are rejected)");
                return FeatureValue.FromNumber(d);
            case Value.KindOneofCase.ListValue:
                var items = value!.ListValue.Values;
                var list = new string[items.Count];
                for (int i = 0; i < list.Length; i++)
                {
                    if (items[i].KindCase != Value.KindOneofCase.StringValue)
                        throw ScoringException.Invalid($"{Where(candidate)}.{Shown(name)}[{i}]", "a list may hold strings only");
                    list[i] = items[i].StringValue;
                }
                return FeatureValue.FromList(list);
            case Value.KindOneofCase.BoolValue:
                throw ScoringException.Invalid($"{Where(candidate)}.{Shown(name)}", "booleans are not feature values; send a string or a number");
            default:
                throw ScoringException.Invalid($"{Where(candidate)}.{Shown(name)}", "objects are not feature values; send a string, a number, a list of strings or null");
        }
    }

    private static string Shown(string name) => name.Length <= 64 ? name : string.Concat(name.AsSpan(0, 64), "…");
}
