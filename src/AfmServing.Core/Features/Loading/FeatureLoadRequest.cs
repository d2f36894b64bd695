namespace AfmServing.Core.Features.Loading;

/// <summary>What <see cref="FeatureLoader"/> loads and how.</summary>
public sealed record FeatureLoadRequest
{
    /// <summary>Entity file, CSV with a header or JSONL (see <see cref="EntityFileReader"/>).</summary>
    public required string Path { get; init; }

    /// <summary>Entity name: the <c>&lt;entity&gt;</c> in <c>&lt;prefix&gt;&lt;entity&gt;:&lt;id&gt;</c> (<c>user</c> or <c>item</c>).</summary>
    public required string Entity { get; init; }

    /// <summary>Column holding the entity id. Default <c>id</c>.</summary>
    public string IdColumn { get; init; } = "id";

    /// <summary>Key prefix. Default <c>afm:</c>, as the serving store expects by default.</summary>
    public string KeyPrefix { get; init; } = "afm:";

    /// <summary>Time to live set on every key written; null (default) = keys never expire.</summary>
    public TimeSpan? Ttl { get; init; }

    /// <summary>Keys written per pipelined round trip. Default 1000.</summary>
    public int BatchSize { get; init; } = 1000;

    /// <summary>Bad lines kept (with line number and reason) for the report; all are counted. Default 20.</summary>
    public int MaxReportedErrors { get; init; } = 20;
}

/// <summary>Progress of a load, reported after every batch and once at the end.</summary>
/// <param name="Rows">Entities written so far.</param>
/// <param name="BadRows">Lines skipped so far.</param>
/// <param name="LinesRead">Lines of the file consumed so far (header included).</param>
/// <param name="TotalLines">Lines in the file, counted before loading.</param>
/// <param name="Elapsed">Time since the load began.</param>
public sealed record FeatureLoadProgress(long Rows, long BadRows, long LinesRead, long TotalLines, TimeSpan Elapsed)
{
    /// <summary>Entities written per second so far.</summary>
    public double RowsPerSecond => Elapsed > TimeSpan.Zero ? Rows / Elapsed.TotalSeconds : 0;

    /// <summary>Share of the file's lines consumed, 0..1.</summary>
    public double Fraction => TotalLines > 0 ? Math.Min(1.0, (double)LinesRead / TotalLines) : 1.0;

    /// <summary>Estimated time left from the line rate so far; null before the first batch.</summary>
    public TimeSpan? Eta => LinesRead > 0 && Elapsed > TimeSpan.Zero
        ? TimeSpan.FromSeconds(Math.Max(0, TotalLines - LinesRead) * Elapsed.TotalSeconds / LinesRead)
        : null;
}

/// <summary>Outcome of a load.</summary>
/// <param name="Rows">Entities written.</param>
/// <param name="BadRows">Lines skipped because they could not be read.</param>
/// <param name="Errors">The first <see cref="FeatureLoadRequest.MaxReportedErrors"/> bad lines, each as file:line: reason.</param>
/// <param name="Elapsed">Duration of the load.</param>
public sealed record FeatureLoadResult(long Rows, long BadRows, IReadOnlyList<EntityFileException> Errors, TimeSpan Elapsed);
