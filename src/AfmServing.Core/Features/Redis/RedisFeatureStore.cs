using System.Net;
using System.Runtime.CompilerServices;
using AfmServing.Core.Features.Caching;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace AfmServing.Core.Features.Redis;

/// <summary>
/// Feature store over Redis hashes (<c>&lt;prefix&gt;user:&lt;id&gt;</c>, <c>&lt;prefix&gt;item:&lt;id&gt;</c>, field =
/// feature name). One lookup is one pipelined batch of HMGETs, awaited for at most
/// <see cref="FeatureStoreOptions.TimeoutMilliseconds"/>; a slow, down or failing Redis yields a degraded result
/// (never an exception) and the multiplexer reconnects by itself. Degraded lookups are counted in
/// <see cref="DegradedCount"/> (for a metric the host defines) and logged at most once per 10 s.
/// </summary>
public sealed partial class RedisFeatureStore : IFeatureStore, IAsyncDisposable, IDisposable
{
    internal const string ReasonTimeout = "redis timeout";
    internal const string ReasonUnavailable = "redis unavailable";
    internal const string ReasonError = "redis error";
    private static readonly TimeSpan WarningInterval = TimeSpan.FromSeconds(10);

    private readonly IConnectionMultiplexer _connection;
    private readonly bool _ownsConnection;
    private readonly IDatabase _db;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly TimeSpan _timeout;
    private readonly string _userKeyPrefix;
    private readonly string _itemKeyPrefix;
    private readonly string _endpoints;
    private readonly ConditionalWeakTable<IReadOnlyList<string>, RedisValue[]> _fieldArrays = new();
    private long _degradedCount;
    private long _lastWarningAt = long.MinValue;
    private long _suppressedWarnings;
    private volatile string? _lastFailure;
    private int _disposed;

    /// <summary>Wraps an existing multiplexer (shared with other users; not disposed by this store).</summary>
    public RedisFeatureStore(
        IConnectionMultiplexer connection,
        FeatureStoreOptions options,
        ILogger<RedisFeatureStore>? logger = null,
        TimeProvider? timeProvider = null)
        : this(connection, options, logger, timeProvider, ownsConnection: false)
    {
    }

    private RedisFeatureStore(
        IConnectionMultiplexer connection,
        FeatureStoreOptions options,
        ILogger<RedisFeatureStore>? logger,
        TimeProvider? timeProvider,
        bool ownsConnection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(options);
        _connection = connection;
        _ownsConnection = ownsConnection;
        _db = connection.GetDatabase();
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _time = timeProvider ?? TimeProvider.System;
        _timeout = options.Timeout;
        string prefix = options.KeyPrefix ?? "";
        _userKeyPrefix = prefix + "user:";
        _itemKeyPrefix = prefix + "item:";
        _endpoints = string.Join(',', connection.GetEndPoints().Select(FormatEndPoint));
        if (options.CacheEnabled)
            Cache = new EntityFeatureCache(options.CacheMaxEntities, options.CacheTtl, _time);
        connection.ConnectionFailed += OnConnectionFailed;
        connection.ConnectionRestored += OnConnectionRestored;
    }

    /// <summary>
    /// Connects to <see cref="FeatureStoreOptions.Redis"/> with <see cref="CreateConfiguration"/> settings and owns
    /// the multiplexer. Returns even while Redis is down (after at most its connect timeout); lookups are then
    /// degraded until the background reconnect succeeds.
    /// </summary>
    public static RedisFeatureStore Connect(
        FeatureStoreOptions options,
        ILogger<RedisFeatureStore>? logger = null,
        TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var connection = ConnectionMultiplexer.Connect(CreateConfiguration(options.Redis));
        return new RedisFeatureStore(connection, options, logger, timeProvider, ownsConnection: true);
    }

    /// <summary>Asynchronous <see cref="Connect"/>.</summary>
    public static async Task<RedisFeatureStore> ConnectAsync(
        FeatureStoreOptions options,
        ILogger<RedisFeatureStore>? logger = null,
        TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var connection = await ConnectionMultiplexer.ConnectAsync(CreateConfiguration(options.Redis)).ConfigureAwait(false);
        return new RedisFeatureStore(connection, options, logger, timeProvider, ownsConnection: true);
    }

    /// <summary>
    /// Parses a connection string and sets what a serving path needs: start while Redis is down
    /// (<c>AbortOnConnectFail=false</c>), fail commands at once while disconnected instead of queueing them
    /// (<see cref="BacklogPolicy.FailFast"/>: the lookup is degraded anyway, and a queue would only grow), and
    /// retry the connection quickly (exponential from 250 ms, at most 5 s apart).
    /// </summary>
    public static ConfigurationOptions CreateConfiguration(string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        var config = ConfigurationOptions.Parse(connectionString);
        config.AbortOnConnectFail = false;
        config.BacklogPolicy = BacklogPolicy.FailFast;
        config.ReconnectRetryPolicy = new ExponentialRetry(250, 5000);
        config.ClientName ??= "afm-serving";
        return config;
    }

    public string Name => "redis";

    /// <summary>Lookups answered degraded since start (timeouts, connection failures, server errors).</summary>
    public long DegradedCount => Interlocked.Read(ref _degradedCount);

    /// <summary>The in-process entity cache, when <see cref="FeatureStoreOptions.CacheEnabled"/>.</summary>
    public EntityFeatureCache? Cache { get; }

    public async ValueTask<FeatureLookupResult> GetAsync(FeatureLookup lookup, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lookup);
        cancellationToken.ThrowIfCancellationRequested();
        var itemIds = lookup.ItemIds;
        var items = new string?[]?[itemIds.Count];
        string?[]? user = null;

        // At most 1 + candidates fetches; only the cache misses go to Redis, all in one batch.
        IBatch? batch = null;
        Task<RedisValue[]>? userTask = null;
        string? userKey = null;
        Task<RedisValue[]>?[]? itemTasks = null;
        string?[]? itemKeys = null;
        int pending = 0;

        if (!string.IsNullOrEmpty(lookup.UserId) && lookup.UserFields.Count > 0)
        {
            userKey = string.Concat(_userKeyPrefix, lookup.UserId);
            if (Cache is null || !Cache.TryGet(userKey, lookup.UserFields, out user))
            {
                batch = _db.CreateBatch();
                userTask = batch.HashGetAsync(userKey, FieldArray(lookup.UserFields));
                pending++;
            }
        }
        if (lookup.ItemFields.Count > 0 && itemIds.Count > 0)
        {
            var fields = FieldArray(lookup.ItemFields);
            for (int i = 0; i < itemIds.Count; i++)
            {
                string? id = itemIds[i];
                if (string.IsNullOrEmpty(id))
                    continue;
                string key = string.Concat(_itemKeyPrefix, id);
                if (Cache is not null && Cache.TryGet(key, lookup.ItemFields, out items[i]))
                    continue;
                batch ??= _db.CreateBatch();
                itemTasks ??= new Task<RedisValue[]>?[itemIds.Count];
                itemKeys ??= new string?[itemIds.Count];
                itemTasks[i] = batch.HashGetAsync(key, fields);
                itemKeys[i] = key;
                pending++;
            }
        }
        if (batch is null)
            return new FeatureLookupResult(user, items, degraded: false);

        var all = new Task[pending];
        int n = 0;
        if (userTask is not null)
            all[n++] = userTask;
        if (itemTasks is not null)
            foreach (var t in itemTasks)
                if (t is not null)
                    all[n++] = t;

        string? reason = null;
        Exception? failure = null;
        var whenAll = Task.WhenAll(all);
        try
        {
            // With the fail-fast backlog policy, Execute itself throws while disconnected.
            batch.Execute();
            await whenAll.WaitAsync(_timeout, _time, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            reason = ReasonTimeout;
            ObserveLater(whenAll);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            ObserveLater(whenAll);
            throw;
        }
        catch (RedisConnectionException e)
        {
            reason = ReasonUnavailable;
            failure = e;
            ObserveLater(whenAll);
        }
#pragma warning disable CA1031 // a feature lookup must never fail the request: any other error degrades it
        catch (Exception e)
#pragma warning restore CA1031
        {
            reason = e is RedisTimeoutException ? ReasonTimeout : ReasonError;
            failure = e;
            ObserveLater(whenAll);
        }

        // Whatever did arrive is used even when the lookup as a whole is degraded.
        if (userTask is not null)
            user = Collect(userTask, userKey!, lookup.UserFields);
        if (itemTasks is not null)
            for (int i = 0; i < itemTasks.Length; i++)
                if (itemTasks[i] is { } t)
                    items[i] = Collect(t, itemKeys![i]!, lookup.ItemFields);

        if (reason is null)
            return new FeatureLookupResult(user, items, degraded: false);
        OnDegraded(reason, failure);
        return new FeatureLookupResult(user, items, degraded: true, reason);
    }

    public FeatureStoreHealth GetHealth()
    {
        if (_connection.IsConnected)
            return new FeatureStoreHealth(Name, true, $"connected to {_endpoints}");
        string? failure = _lastFailure;
        return new FeatureStoreHealth(
            Name,
            false,
            failure is null ? $"not connected to {_endpoints}; reconnecting" : $"not connected to {_endpoints} ({failure}); reconnecting");
    }

    private string?[]? Collect(Task<RedisValue[]> task, string key, IReadOnlyList<string> fields)
    {
        if (!task.IsCompletedSuccessfully)
            return null;
        var values = ToStrings(task.Result);
        Cache?.Set(key, fields, values);
        return values;
    }

    /// <summary>HMGET answers nil for every field of a missing key: all-nil means "unknown entity" (null).</summary>
    internal static string?[]? ToStrings(RedisValue[] values)
    {
        string?[]? result = null;
        for (int i = 0; i < values.Length; i++)
        {
            if (values[i].IsNull)
                continue;
            result ??= new string?[values.Length];
            result[i] = values[i].ToString();
        }
        return result;
    }

    private RedisValue[] FieldArray(IReadOnlyList<string> fields) =>
        _fieldArrays.GetValue(fields, static f =>
        {
            var a = new RedisValue[f.Count];
            for (int i = 0; i < a.Length; i++)
                a[i] = f[i];
            return a;
        });

    /// <summary>Commands left behind by a timeout finish later; their faults must not surface as unobserved.</summary>
    private static void ObserveLater(Task task) =>
        task.ContinueWith(
            static t => _ = t.Exception,
            CancellationToken.None,
            TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);

    private void OnDegraded(string reason, Exception? failure)
    {
        Interlocked.Increment(ref _degradedCount);
        long now = _time.GetTimestamp();
        long last = Interlocked.Read(ref _lastWarningAt);
        if ((last != long.MinValue && _time.GetElapsedTime(last, now) < WarningInterval)
            || Interlocked.CompareExchange(ref _lastWarningAt, now, last) != last)
        {
            Interlocked.Increment(ref _suppressedWarnings);
            return;
        }
        long suppressed = Interlocked.Exchange(ref _suppressedWarnings, 0);
        LogDegraded(_logger, reason, _timeout.TotalMilliseconds, suppressed, failure?.GetType().Name, failure?.Message);
    }

    private void OnConnectionFailed(object? sender, ConnectionFailedEventArgs e)
    {
        if (e.ConnectionType != ConnectionType.Interactive)
            return;
        string failure = e.FailureType.ToString();
        string endPoint = FormatEndPoint(e.EndPoint);
        _lastFailure = failure;
        LogConnectionFailed(_logger, endPoint, failure);
    }

    private void OnConnectionRestored(object? sender, ConnectionFailedEventArgs e)
    {
        if (e.ConnectionType != ConnectionType.Interactive)
            return;
        _lastFailure = null;
        string endPoint = FormatEndPoint(e.EndPoint);
        LogConnectionRestored(_logger, endPoint);
    }

    private static string FormatEndPoint(EndPoint? endPoint) => endPoint switch
    {
        null => "?",
        DnsEndPoint d => $"{d.Host}:{d.Port}",
        _ => endPoint.ToString() ?? "?",
    };

    [LoggerMessage(EventId = 2101, Level = LogLevel.Warning,
        Message = "Feature store degraded ({Reason}, budget {TimeoutMs} ms): scoring with request features only; {Suppressed} similar warnings suppressed since the last one. {ErrorType}: {ErrorMessage}")]
    private static partial void LogDegraded(ILogger logger, string reason, double timeoutMs, long suppressed, string? errorType, string? errorMessage);

    [LoggerMessage(EventId = 2102, Level = LogLevel.Warning, Message = "Redis connection to {EndPoint} failed ({FailureType}); reconnecting in the background")]
    private static partial void LogConnectionFailed(ILogger logger, string endPoint, string failureType);

    [LoggerMessage(EventId = 2103, Level = LogLevel.Information, Message = "Redis connection to {EndPoint} restored")]
    private static partial void LogConnectionRestored(ILogger logger, string endPoint);

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        _connection.ConnectionFailed -= OnConnectionFailed;
        _connection.ConnectionRestored -= OnConnectionRestored;
        if (_ownsConnection)
            _connection.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        _connection.ConnectionFailed -= OnConnectionFailed;
        _connection.ConnectionRestored -= OnConnectionRestored;
        if (_ownsConnection)
            await _connection.DisposeAsync().ConfigureAwait(false);
    }
}
