using AfmServing.Api.V1;
using AfmServing.Training.Data;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;

namespace AfmServing.Cli.Commands.Bench.Workload;

/// <summary>Where a request's feature values come from.</summary>
public enum FeatureSource
{
    /// <summary>Every field travels in the request: user and context fields in <c>context</c>, item and cost per candidate.</summary>
    Request,

    /// <summary>Only ids and context travel: <c>user_id</c>, each candidate's <c>item_id</c>, the context fields; the store fills <c>cost</c>.</summary>
    Ids,
}

/// <summary>
/// Score requests built from real Frappe libFM rows (fields user, item, daytime, weekday, isweekend, homework,
/// cost, weather, country, city; a raw value is the libFM feature id as a string, e.g. "5041"). Request k takes
/// the user and context of one row and the items of the next <c>candidates</c> rows, so a pool of requests
/// covers many users, items and contexts. Requests are built once; the load loop only picks them.
/// </summary>
public sealed class FrappeWorkload
{
    private const string UserField = "user";
    private const string ItemField = "item";
    private const string CostField = "cost";

    private FrappeWorkload(ScoreRequest[] requests, int candidates)
    {
        Requests = requests;
        Candidates = candidates;
    }

    /// <summary>The pool, in the order the load loop cycles through it.</summary>
    public IReadOnlyList<ScoreRequest> Requests { get; }

    public int Candidates { get; }

    /// <summary>Reads <paramref name="libfmPath"/> and builds up to <paramref name="poolSize"/> requests.</summary>
    public static FrappeWorkload Load(string libfmPath, int candidates, FeatureSource source, int poolSize = 1024, string model = "")
    {
        var rows = LibFmReader.Read(libfmPath).Rows;
        return Build(rows.ConvertAll(r => r.Values), candidates, source, poolSize, model);
    }

    /// <summary>Builds requests from rows whose values follow <see cref="LibFmReader.FrappeFields"/>.</summary>
    public static FrappeWorkload Build(IReadOnlyList<string?[]> rows, int candidates, FeatureSource source, int poolSize = 1024, string model = "")
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentOutOfRangeException.ThrowIfLessThan(candidates, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(poolSize, 1);
        if (rows.Count == 0)
            throw new ArgumentException("the data file holds no rows", nameof(rows));
        var fields = LibFmReader.FrappeFields;
        int user = IndexOf(fields, UserField), item = IndexOf(fields, ItemField), cost = IndexOf(fields, CostField);
        // Enough distinct requests to cycle through the file once, but never more than the pool asks for.
        int count = Math.Max(1, Math.Min(poolSize, rows.Count / candidates));
        var requests = new ScoreRequest[count];
        for (int k = 0; k < count; k++)
        {
            int first = k * candidates % rows.Count;
            var head = rows[first];
            var request = new ScoreRequest { Model = model, UserId = head[user] ?? "" };
            for (int f = 0; f < fields.Count; f++)
            {
                if (f == item || f == cost || head[f] is null)
                    continue;
                // In ids mode the user travels as user_id only; the server's entity-id field takes it from there.
                if (f == user && source == FeatureSource.Ids)
                    continue;
                request.Context[fields[f]] = Value.ForString(head[f]);
            }
            for (int c = 0; c < candidates; c++)
            {
                var row = rows[(first + c) % rows.Count];
                var candidate = new Candidate { ItemId = row[item] ?? "" };
                if (source == FeatureSource.Request)
                {
                    candidate.Features[ItemField] = Value.ForString(row[item]);
                    if (row[cost] is { } costValue)
                        candidate.Features[CostField] = Value.ForString(costValue);
                }
                request.Candidates.Add(candidate);
            }
            requests[k] = request;
        }
        return new FrappeWorkload(requests, candidates);
    }

    /// <summary>The pool as proto3 JSON bodies for <c>POST /v1/score</c>, the same messages the gRPC client sends.</summary>
    public byte[][] JsonBodies()
    {
        var formatter = new JsonFormatter(JsonFormatter.Settings.Default);
        var bodies = new byte[Requests.Count][];
        for (int i = 0; i < bodies.Length; i++)
            bodies[i] = System.Text.Encoding.UTF8.GetBytes(formatter.Format(Requests[i]));
        return bodies;
    }

    private static int IndexOf(IReadOnlyList<string> fields, string name)
    {
        for (int i = 0; i < fields.Count; i++)
            if (fields[i] == name)
                return i;
        throw new InvalidOperationException($"the Frappe layout has no field '{name}'");
    }
}
