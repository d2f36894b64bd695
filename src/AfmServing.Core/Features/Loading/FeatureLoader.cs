using StackExchange.Redis;

namespace AfmServing.Core.Features.Loading;

/// <summary>
/// Bulk-loads an entity file into Redis hashes <c>&lt;prefix&gt;&lt;entity&gt;:&lt;id&gt;</c>, field = feature name,
/// value = raw string, pipelining <see cref="FeatureLoadRequest.BatchSize"/> keys per round trip.
/// <para>
/// Idempotent by replacement: each key is written as <c>MULTI; DEL; HSET all fields; [EXPIRE]; EXEC</c>, so a
/// re-run leaves exactly the file's fields (a plain HSET would keep a feature the new file dropped or left empty),
/// and the transaction means the serving store never sees the key missing or half written in between.
/// </para>
/// <para>
/// Bad lines are skipped, counted and the first few reported with their line numbers; the rest of the file still
/// loads (one bad row should not block a refresh of millions). Callers decide what a non-zero count means
/// (<c>afm features load</c> exits 2). A Redis failure aborts the load with its exception; re-running is safe.
/// </para>
/// </summary>
public sealed class FeatureLoader
{
    private readonly IConnectionMultiplexer _connection;
    private readonly TimeProvider _time;

    public FeatureLoader(IConnectionMultiplexer connection, TimeProvider? timeProvider = null)
    {
        _connection = connection ?? throw new ArgumentNullException(nameof(connection));
        _time = timeProvider ?? TimeProvider.System;
    }

    public async Task<FeatureLoadResult> LoadAsync(
        FeatureLoadRequest request,
        IProgress<FeatureLoadProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        Validate(request);
        long start = _time.GetTimestamp();
        long totalLines = CountLines(request.Path);
        string keyPrefix = string.Concat(request.KeyPrefix, request.Entity, ":");
        var db = _connection.GetDatabase();
        var errors = new List<EntityFileException>();
        var batch = new List<EntityRecord>(request.BatchSize);
        var pending = new List<Task>(request.BatchSize * 3);
        long rows = 0, bad = 0, lines = 0;

        foreach (var result in EntityFileReader.ReadLenient(request.Path, request.IdColumn))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (result.Error is { } error)
            {
                bad++;
                lines = error.Line;
                if (errors.Count < request.MaxReportedErrors)
                    errors.Add(error);
                continue;
            }
            batch.Add(result.Record!);
            lines = result.Record!.Line;
            if (batch.Count >= request.BatchSize)
            {
                rows += await WriteBatchAsync(db, keyPrefix, batch, request.Ttl, pending).ConfigureAwait(false);
                progress?.Report(new FeatureLoadProgress(rows, bad, lines, totalLines, _time.GetElapsedTime(start)));
            }
        }
        if (batch.Count > 0)
            rows += await WriteBatchAsync(db, keyPrefix, batch, request.Ttl, pending).ConfigureAwait(false);
        var elapsed = _time.GetElapsedTime(start);
        progress?.Report(new FeatureLoadProgress(rows, bad, totalLines, totalLines, elapsed));
        return new FeatureLoadResult(rows, bad, errors, elapsed);
    }

    /// <summary>Lines in a file (a last line without a newline counts), for progress and ETA.</summary>
    public static long CountLines(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        var buffer = new byte[1 << 16];
        long count = 0;
        int read;
        byte last = (byte)'\n';
        while ((read = stream.Read(buffer, 0, buffer.Length)) > 0)
        {
            count += buffer.AsSpan(0, read).Count((byte)'\n');
            last = buffer[read - 1];
        }
        return last == (byte)'\n' ? count : count + 1;
    }

    private static async Task<int> WriteBatchAsync(
        IDatabase db, string keyPrefix, List<EntityRecord> batch, TimeSpan? ttl, List<Task> pending)
    {
        pending.Clear();
        foreach (var record in batch)
        {
            RedisKey key = string.Concat(keyPrefix, record.Id);
            var tx = db.CreateTransaction();
            pending.Add(tx.KeyDeleteAsync(key));
            if (record.Features.Count > 0)
            {
                var entries = new HashEntry[record.Features.Count];
                int i = 0;
                foreach (var (name, value) in record.Features)
                    entries[i++] = new HashEntry(name, value);
                pending.Add(tx.HashSetAsync(key, entries));
                if (ttl is { } t)
                    pending.Add(tx.KeyExpireAsync(key, t));
            }
            pending.Add(tx.ExecuteAsync());
        }
        await Task.WhenAll(pending).ConfigureAwait(false);
        int written = batch.Count;
        batch.Clear();
        return written;
    }

    private static void Validate(FeatureLoadRequest r)
    {
        if (string.IsNullOrWhiteSpace(r.Entity) || r.Entity.Contains(':', StringComparison.Ordinal) || r.Entity.Any(char.IsWhiteSpace))
            throw new ArgumentException($"entity '{r.Entity}': expected a name without ':' or spaces (user, item)", nameof(r));
        if (r.KeyPrefix is null || r.KeyPrefix.Any(char.IsWhiteSpace))
            throw new ArgumentException("key prefix must not be null or contain spaces", nameof(r));
        if (r.BatchSize is < 1 or > 100_000)
            throw new ArgumentException($"batch size must be in 1..100000 (got {r.BatchSize})", nameof(r));
        if (r.Ttl is { } ttl && ttl < TimeSpan.FromSeconds(1))
            throw new ArgumentException($"TTL must be at least 1 second (got {ttl})", nameof(r));
        if (r.MaxReportedErrors < 0)
            throw new ArgumentException("max reported errors must not be negative", nameof(r));
        if (!File.Exists(r.Path))
            throw new FileNotFoundException($"entity file not found: {r.Path}", r.Path);
    }
}
