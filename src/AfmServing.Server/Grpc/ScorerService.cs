using AfmServing.Api.V1;
using AfmServing.Core.Scoring;
using Google.Protobuf.Collections;
using Grpc.Core;

namespace AfmServing.Server.Grpc;

/// <summary>
/// gRPC <c>afm.v1.Scorer</c>, and through JSON transcoding <c>POST /v1/score</c>: maps messages to and from
/// the scoring service and its errors to gRPC statuses (which transcoding turns into HTTP statuses).
/// </summary>
internal sealed partial class ScorerService(ScoringService scoring, ILogger<ScorerService> logger) : Scorer.ScorerBase
{
    public override async Task<ScoreResponse> Score(ScoreRequest request, ServerCallContext context)
    {
        try
        {
            var query = ToQuery(request, context.Deadline);
            var result = await scoring.ScoreAsync(query, context.CancellationToken).ConfigureAwait(false);
            return ToResponse(result, request.RequestId);
        }
        catch (ScoringException e)
        {
            throw ToRpc(e, context);
        }
        catch (Exception e) when (e is not RpcException and not OperationCanceledException)
        {
            // A bug must not become a 500 with internals: log it, answer UNAVAILABLE with a generic message.
            LogUnexpected(logger, e, request.RequestId);
            throw new RpcException(new Status(StatusCode.Unavailable, "internal error while scoring; the request was not scored"));
        }
    }

    /// <summary>The transport-neutral query; <paramref name="deadline"/> is the call's (DateTime.MaxValue = none). Internal for the hot-path benchmarks.</summary>
    internal static ScoreQuery ToQuery(ScoreRequest request, DateTime deadline)
    {
        var candidates = new CandidateQuery[request.Candidates.Count];
        for (int i = 0; i < candidates.Length; i++)
        {
            var c = request.Candidates[i];
            candidates[i] = new CandidateQuery
            {
                ItemId = c.ItemId,
                Features = ProtoFeatureMapper.Map(c.Features, i),
            };
        }
        return new ScoreQuery
        {
            Model = request.Model,
            RequestId = request.RequestId,
            UserId = request.UserId,
            Context = ProtoFeatureMapper.Map(request.Context, -1),
            Candidates = candidates,
            Explain = request.Explain,
            Deadline = deadline == DateTime.MaxValue ? null : new DateTimeOffset(DateTime.SpecifyKind(deadline, DateTimeKind.Utc)),
        };
    }

    private static ScoreResponse ToResponse(ScoreResult result, string requestId)
    {
        var response = new ScoreResponse
        {
            Model = result.Model,
            ModelVersion = result.ModelVersion,
            FeaturesDegraded = result.FeaturesDegraded,
            RequestId = requestId,
        };
        RepeatedField<CandidateScore> scores = response.Scores;
        foreach (var c in result.Candidates)
        {
            var score = new CandidateScore { ItemId = c.ItemId ?? "", Probability = c.Probability };
            if (c.TopPairs is { } pairs)
                foreach (var p in pairs)
                    score.TopPairs.Add(new AfmServing.Api.V1.PairWeight { FirstField = p.First, SecondField = p.Second, Weight = p.Weight });
            scores.Add(score);
        }
        return response;
    }

    private static RpcException ToRpc(ScoringException e, ServerCallContext context)
    {
        var code = e.Code switch
        {
            ScoringErrorCode.InvalidArgument => StatusCode.InvalidArgument,
            ScoringErrorCode.NotFound => StatusCode.NotFound,
            ScoringErrorCode.ResourceExhausted => StatusCode.ResourceExhausted,
            ScoringErrorCode.DeadlineExceeded => StatusCode.DeadlineExceeded,
            ScoringErrorCode.Cancelled => StatusCode.Cancelled,
            _ => StatusCode.Unavailable,
        };
        var trailers = new Metadata();
        if (e.RetryAfter is { } retry)
        {
            int seconds = Math.Max(1, (int)Math.Ceiling(retry.TotalSeconds));
            // HTTP clients read Retry-After (whole seconds); gRPC clients read the pushback in milliseconds.
            context.GetHttpContext().Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            trailers.Add("grpc-retry-pushback-ms", ((int)retry.TotalMilliseconds).ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        return new RpcException(new Status(code, e.Message), trailers);
    }

    [LoggerMessage(EventId = 400, Level = LogLevel.Error, Message = "Unexpected error scoring request {RequestId}")]
    private static partial void LogUnexpected(ILogger logger, Exception error, string requestId);
}
