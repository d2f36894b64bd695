using AfmServing.Api.V1;
using AfmServing.Core.Scoring;
using AfmServing.Server.Grpc;
using Google.Protobuf.WellKnownTypes;

namespace AfmServing.Benchmarks.HotPath;

/// <summary>Request mapping: a Frappe-shaped gRPC ScoreRequest (every field in the request) into a ScoreQuery.</summary>
internal sealed class MappingWorkload
{
    private readonly ScoreRequest _request;

    public MappingWorkload(int candidates)
    {
        var query = FrappeShapes.Query(candidates);
        _request = new ScoreRequest { UserId = query.UserId ?? "" };
        foreach (var (name, value) in query.Context)
            _request.Context[name] = Value.ForString(value.Text);
        foreach (var c in query.Candidates)
        {
            var candidate = new Candidate { ItemId = c.ItemId ?? "" };
            foreach (var (name, value) in c.Features)
                candidate.Features[name] = Value.ForString(value.Text);
            _request.Candidates.Add(candidate);
        }
    }

    public ScoreQuery Run() => ScorerService.ToQuery(_request, DateTime.MaxValue);
}
