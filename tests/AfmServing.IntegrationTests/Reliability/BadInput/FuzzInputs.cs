using System.Text;
using System.Text.Json;
using AfmServing.Api.V1;
using FsCheck;
using FsCheck.Fluent;
using Google.Protobuf.WellKnownTypes;

namespace AfmServing.IntegrationTests.Reliability.BadInput;

/// <summary>A REST body for the fuzz test: its bytes and how it was made (shown when a property fails).</summary>
public sealed record FuzzBody(byte[] Bytes, string Kind)
{
    public override string ToString() => $"{Kind}: {Encoding.UTF8.GetString(Bytes.AsSpan(0, Math.Min(Bytes.Length, 600)))}";
}

/// <summary>A gRPC request for the fuzz test.</summary>
public sealed record FuzzRequest(ScoreRequest Request)
{
    public override string ToString()
    {
        string text;
        try
        {
            text = Request.ToString();
        }
        catch (InvalidOperationException)
        {
            // JSON formatting refuses a Value with no kind set, which is exactly what some cases send.
            text = $"(model '{Request.Model}', {Request.Context.Count} context values, {Request.Candidates.Count} candidates; a Value without a kind)";
        }
        return text.Length > 600 ? text[..600] + "…" : text;
    }
}

/// <summary>
/// Generators of what clients send, skewed to the edges: real and misspelt field names, numbers at and past the
/// limits of a double, ids beyond 2^53, empty, long and non-ASCII strings, nulls, wrong nesting, and byte-level
/// damage to valid bodies.
/// </summary>
public static class FuzzInputs
{
    private static readonly string[] FieldNames = ["user", "item", "cost", "daytime", "price", "tags"];

    private static readonly string[] OtherNames =
    [
        "Cost", "PRICE", "colour", "", " ", "I1", "C1", "id", "click_sequence", "model", "userId", "user_id", "itemId", "candidates", "features", "context", "explain",
    ];

    private static readonly string[] TopLevelNames = ["model", "requestId", "userId", "context", "candidates", "explain"];

    private static readonly string[] OtherTopLevelNames = ["request_id", "user_id", "UserId", "user", "candidate", ""];

    private static readonly string[] CandidateNames = ["itemId", "features"];

    private static readonly string[] OtherCandidateNames = ["item_id", "ItemId", "item", "score"];

    /// <summary>Mostly the test model's fields, so that many requests get as far as the model.</summary>
    private static Gen<string> Names => Gen.Frequency((9, Gen.Elements(FieldNames)), (1, Gen.Elements(OtherNames)));


    private static readonly string[] Models = ["", "", "", "", "test-afm", "test-afm", "criteo", "nope"];

    private static readonly string[] NumberLiterals =
    [
        "0", "-0", "1", "-1", "3.5", "1.5", "1e308", "-1e308", "1.7976931348623157e308", "1e400", "-1e400", "5e-324", "1e-400",
        "9007199254740993", "10000169349117863715", "-9223372036854775809", "123456789012345678901234567890", "0.1e1", "2E+2",
    ];

    private static readonly string[] Strings =
    [
        "", " ", "u1", "u2", "i1", "i4", "free", "paid", "morning", "evening", "night", "a", "b", "a|b", "NaN", "Infinity", "-Infinity",
        "3.5", "10000169349117863715", "null", "true", "ночь 🌙", "商品", "\u0000", "\t\n", "\ud83d\ude00", "../../etc/passwd", "<script>", "%s%n",
    ];

    private static readonly string[] LongStrings = [new string('x', 1024), new string('x', 1025), new string('y', 5000)];

    private static readonly double[] Doubles =
    [
        0, -0.0, 1, -1, 3.5, 0.5, double.NaN, double.PositiveInfinity, double.NegativeInfinity, double.MaxValue, double.MinValue,
        double.Epsilon, 9007199254740993d, 10000169349117863715d, 1e-300, -1e300,
    ];

    public static Gen<FuzzBody> Bodies =>
        Gen.Frequency(
            (5, RequestJson.Select(j => new FuzzBody(Encoding.UTF8.GetBytes(j), "request-shaped"))),
            (2, AnyJson(3).Select(j => new FuzzBody(Encoding.UTF8.GetBytes(j), "any JSON"))),
            (3, RequestJson.SelectMany(j => Mutated(Encoding.UTF8.GetBytes(j)), (_, b) => new FuzzBody(b, "damaged bytes"))));

    public static Gen<FuzzRequest> Requests =>
        from model in Gen.Elements(Models)
        from user in Text
        from context in Map
        from candidates in Gen.Frequency((1, Gen.Constant(0)), (9, Gen.Choose(1, 5))).SelectMany(n => Gen.ArrayOf(Candidate, n))
        from explain in Gen.Elements(true, false)
        select new FuzzRequest(Build(model, user, context, candidates, explain));

    private static ScoreRequest Build(string model, string user, (string, Value)[] context, Candidate[] candidates, bool explain)
    {
        var r = new ScoreRequest { Model = model, UserId = user, Explain = explain };
        foreach (var (k, v) in context)
            r.Context[k] = v;
        r.Candidates.AddRange(candidates);
        return r;
    }

    private static Gen<Candidate> Candidate =>
        from item in Text
        from features in Map
        select WithFeatures(new Candidate { ItemId = item }, features);

    private static Candidate WithFeatures(Candidate c, (string, Value)[] features)
    {
        foreach (var (k, v) in features)
            c.Features[k] = v;
        return c;
    }

    private static Gen<(string, Value)[]> Map =>
        from names in Gen.SubListOf(FieldNames)
        from odd in Gen.Frequency((8, Gen.Constant(System.Array.Empty<string>())), (1, Gen.Elements(OtherNames).Select(n => new[] { n })))
        from entries in Gen.CollectToArray(names.Concat(odd).Distinct(), name => FieldValue(name).Select(v => (name, v)))
        select entries;

    /// <summary>Mostly a value of the field's own kind, so that many requests are legal; sometimes anything.</summary>
    private static Gen<Value> FieldValue(string name) => Gen.Frequency((15, name switch
    {
        "price" => Gen.Elements(0, 1, 3.5, 1e6, -2, 1e300, double.Epsilon).Select(Value.ForNumber),
        "tags" => Gen.Choose(0, 3).SelectMany(n => Gen.ArrayOf(Text, n)).Select(items => Value.ForList([.. items.Select(Value.ForString)])),
        _ => Text.Select(Value.ForString),
    }), (1, ProtoValue(2)));

    private static Gen<Value> ProtoValue(int depth)
    {
        var scalar = Gen.Frequency(
            (3, Text.Select(Value.ForString)),
            (3, Gen.Elements(Doubles).Select(Value.ForNumber)),
            (1, Gen.Constant(0).Select(_ => Value.ForNull())),
            (1, Gen.Constant(0).Select(_ => new Value())),
            (1, Gen.Elements(true, false).Select(Value.ForBool)));
        if (depth <= 0)
            return scalar;
        return Gen.Frequency(
            (6, scalar),
            (2, Gen.Choose(0, 4).SelectMany(n => Gen.ArrayOf(ProtoValue(depth - 1), n)).Select(Value.ForList)),
            (1, Gen.Choose(0, 3).SelectMany(n => Gen.ArrayOf(Gen.Zip(Names, ProtoValue(depth - 1)), n))
                .Select(fields =>
                {
                    var s = new Struct();
                    foreach (var (k, v) in fields)
                        s.Fields[k] = v;
                    return Value.ForStruct(s);
                })));
    }

    /// <summary>JSON shaped like a ScoreRequest, with its parts sometimes of the wrong kind or misnamed.</summary>
    private static Gen<string> RequestJson =>
        from names in Gen.SubListOf(TopLevelNames.Distinct())
        from withCandidates in Gen.Frequency((9, Gen.Constant(true)), (1, Gen.Constant(false)))
        from odd in Gen.Frequency((6, Gen.Constant(System.Array.Empty<string>())), (1, Gen.Elements(OtherTopLevelNames).Select(n => new[] { n })))
        from properties in Gen.CollectToArray(names.Where(n => n != "candidates").Concat(odd).Append(withCandidates ? "candidates" : "").Where(n => n.Length > 0), TopLevelProperty)
        select Object(properties);

    private static Gen<string> TopLevelProperty(string name) =>
        Gen.Constant(name).SelectMany(name => name switch
        {
            "candidates" => Gen.Frequency((12, Gen.Choose(1, 4).SelectMany(n => Gen.ArrayOf(CandidateJson, n)).Select(Array)), (1, Gen.Constant("[]")), (1, AnyJson(1))),
            "context" => Gen.Frequency((12, FeatureMapJson), (1, AnyJson(1))),
            "explain" => Gen.Frequency((8, Gen.Elements("true", "false")), (1, Scalar)),
            "model" => Gen.Frequency((8, Gen.Elements(Models).Select(m => JsonSerializer.Serialize(m))), (1, Scalar)),
            _ => Gen.Frequency((8, StringJson), (1, Scalar)),
        }, (name, value) => Property(name, value));

    private static Gen<string> CandidateJson =>
        Gen.Frequency(
            (12,
                from names in Gen.SubListOf(CandidateNames)
                from odd in Gen.Frequency((8, Gen.Constant(System.Array.Empty<string>())), (1, Gen.Elements(OtherCandidateNames).Select(n => new[] { n })))
                from properties in Gen.CollectToArray(names.Concat(odd), name => name == "features"
                    ? FeatureMapJson.Select(v => Property(name, v))
                    : Gen.Frequency((8, StringJson), (1, Scalar)).Select(v => Property(name, v)))
                select Object(properties)),
            (1, Scalar));

    /// <summary>A feature map: distinct names, mostly the model's, sometimes one that is not.</summary>
    private static Gen<string> FeatureMapJson =>
        from names in Gen.SubListOf(FieldNames)
        from odd in Gen.Frequency((8, Gen.Constant(System.Array.Empty<string>())), (1, Gen.Elements(OtherNames).Select(n => new[] { n })))
        from properties in Gen.CollectToArray(names.Concat(odd).Distinct(), name => FieldJson(name).Select(v => Property(name, v)))
        select Object(properties);

    private static Gen<string> FieldJson(string name) => Gen.Frequency((15, name switch
    {
        "price" => Gen.Elements("0", "3.5", "1e6", "-2", "1e300", "5e-324", "null"),
        "tags" => Gen.Choose(0, 3).SelectMany(n => Gen.ArrayOf(StringJson, n)).Select(Array),
        _ => StringJson,
    }), (1, AnyJson(2)));

    private static readonly string[] GoodStrings = ["u1", "u2", "u3", "i1", "i2", "i4", "free", "paid", "morning", "night", "a", "b"];

    private static Gen<string> Text => Gen.Frequency((12, Gen.Elements(GoodStrings)), (6, Gen.Elements(Strings)), (1, Gen.Elements(LongStrings)));

    private static Gen<string> StringJson => Text.Select(s => JsonSerializer.Serialize(s));

    private static Gen<string> Scalar =>
        Gen.Frequency(
            (3, StringJson),
            (3, Gen.Elements(NumberLiterals)),
            (1, Gen.Choose(-1000, 1000).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture))),
            (1, Gen.Elements("null", "true", "false")));

    private static Gen<string> AnyJson(int depth) =>
        depth <= 0
            ? Scalar
            : Gen.Frequency(
                (4, Scalar),
                (1, Gen.Choose(0, 4).SelectMany(n => Gen.ArrayOf(AnyJson(depth - 1), n)).Select(Array)),
                (1, Gen.Choose(0, 4).SelectMany(n => Gen.ArrayOf(Names.SelectMany(_ => AnyJson(depth - 1), (k, v) => Property(k, v)), n)).Select(Object)));

    /// <summary>1 to 3 byte-level edits: flip, delete a run, insert a random or structural byte, truncate.</summary>
    private static Gen<byte[]> Mutated(byte[] body) =>
        Gen.Choose(1, 3).SelectMany(n => Gen.ArrayOf(Gen.Zip(Gen.Choose(0, 3), Gen.Zip(Gen.Choose(0, 1 << 20), Gen.Choose(0, 255))), n))
            .Select(edits =>
            {
                var bytes = new List<byte>(body);
                foreach (var (kind, (at, value)) in edits)
                {
                    if (bytes.Count == 0)
                        break;
                    int i = at % bytes.Count;
                    switch (kind)
                    {
                        case 0: bytes[i] = (byte)value; break;
                        case 1: bytes.RemoveRange(i, Math.Min(1 + value % 8, bytes.Count - i)); break;
                        case 2: bytes.Insert(i, "{}[],:\"\\"u8[value % 8]); break;
                        default: bytes.RemoveRange(i, bytes.Count - i); break;
                    }
                }
                return bytes.ToArray();
            });

    private static string Property(string name, string value) => JsonSerializer.Serialize(name) + ":" + value;

    private static string Object(string[] properties) => "{" + string.Join(',', properties) + "}";

    private static string Array(string[] items) => "[" + string.Join(',', items) + "]";
}

/// <summary>The arbitraries the fuzz properties draw from (no shrinking: a failing input is printed whole).</summary>
public static class FuzzArbitraries
{
    public static Arbitrary<FuzzBody> Bodies() => Arb.From(FuzzInputs.Bodies);

    public static Arbitrary<FuzzRequest> Requests() => Arb.From(FuzzInputs.Requests);
}
