namespace AfmServing.IntegrationTests.Reliability.Support;

/// <summary>What every answer to any input must satisfy: no 5xx, no NaN, a message on errors, nothing internal shown.</summary>
public static class Invariants
{
    public const int AnyCount = -1;

    private static readonly string[] InternalMarkers =
    [
        "\n   at ", "   at System.", "   at Microsoft.", "   at AfmServing.", ".cs:line", "--- End of", "StackTrace",
        "/work/", "/tmp/", "/home/", "/root/", "/app/", "afm-models-", "afm-reliab-",
    ];

    /// <summary>
    /// Throws (an assertion failure) naming the first invariant <paramref name="answer"/> breaks. A success must hold
    /// <paramref name="expectedCandidates"/> scores, or any number from 1 to 1000 when it is <see cref="AnyCount"/>.
    /// </summary>
    public static void Hold(Answer answer, int expectedCandidates, string what)
    {
        Assert.True(answer.HttpStatus < 500, $"{what}: HTTP {answer.HttpStatus} (5xx) — {answer}");
        foreach (var marker in InternalMarkers.Append(AppContext.BaseDirectory).Append(Path.GetTempPath()))
        {
            Assert.False(answer.RawBody.Contains(marker, StringComparison.Ordinal), $"{what}: body shows internals ('{marker.Trim()}') — {answer}");
            Assert.False(answer.Message?.Contains(marker, StringComparison.Ordinal) == true, $"{what}: message shows internals ('{marker.Trim()}') — {answer}");
        }
        bool ok = answer.GrpcStatus is null ? answer.HttpStatus == 200 : answer.GrpcStatus == Grpc.Core.StatusCode.OK;
        if (ok)
        {
            Assert.True(answer.Probabilities is not null, $"{what}: a success without scores — {answer}");
            if (expectedCandidates == AnyCount)
                Assert.InRange(answer.Probabilities!.Length, 1, 1000);
            else
                Assert.Equal(expectedCandidates, answer.Probabilities!.Length);
            foreach (var p in answer.Probabilities)
                Assert.True(float.IsFinite(p) && p >= 0 && p <= 1, $"{what}: probability {p} — {answer}");
        }
        else
        {
            Assert.False(string.IsNullOrWhiteSpace(answer.Message), $"{what}: an error without a message — {answer}");
            Assert.True(answer.Message!.Length <= 2048, $"{what}: a {answer.Message.Length}-character error message (echoing the input?)");
        }
    }
}
