using AfmServing.Core.Features;
using AfmServing.Core.Scoring;
using Google.Protobuf.Collections;
using Google.Protobuf.WellKnownTypes;

namespace AfmServing.Server.Grpc;

/// <summary>Maps google.protobuf.Value feature maps to <see cref="FeatureValue"/>s, naming the field on a bad type.</summary>
internal static class ProtoFeatureMapper
{
    public static IReadOnlyDictionary<string, FeatureValue> Map(MapField<string, Value> features, string where)
    {
        if (features.Count == 0)
            return ScoreQuery.EmptyFeatures;
        var result = new Dictionary<string, FeatureValue>(features.Count, StringComparer.Ordinal);
        foreach (var (name, value) in features)
            result[name] = Map(value, where, name);
        return result;
    }

    private static FeatureValue Map(Value? value, string where, string name)
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
                    throw ScoringException.Invalid($"{where}.{Shown(name)}", "number must be finite (NaN and infinities are rejected)");
                return FeatureValue.FromNumber(d);
            case Value.KindOneofCase.ListValue:
                var items = value!.ListValue.Values;
                var list = new string[items.Count];
                for (int i = 0; i < list.Length; i++)
                {
                    if (items[i].KindCase != Value.KindOneofCase.StringValue)
                        throw ScoringException.Invalid($"{where}.{Shown(name)}[{i}]", "a list may hold strings only");
                    list[i] = items[i].StringValue;
                }
                return FeatureValue.FromList(list);
            case Value.KindOneofCase.BoolValue:
                throw ScoringException.Invalid($"{where}.{Shown(name)}", "booleans are not feature values; send a string or a number");
            default:
                throw ScoringException.Invalid($"{where}.{Shown(name)}", "objects are not feature values; send a string, a number, a list of strings or null");
        }
    }

    private static string Shown(string name) => name.Length <= 64 ? name : string.Concat(name.AsSpan(0, 64), "…");
}
