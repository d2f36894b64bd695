using AfmServing.Core.Encoding;
using AfmServing.Core.Features;
using AfmServing.Core.Manifest;
using AfmServing.Core.Models;

namespace AfmServing.Core.Scoring;

/// <summary>
/// Validates a request against a model and writes its rows' ids and values. Precedence for a field:
/// candidate features, then context, then the feature store, then the entity id (for id fields), else missing.
/// A slot not yet filled holds id -1.
/// </summary>
internal sealed class RequestEncoder(ScoringOptions options)
{
    private const long Unfilled = -1;

    public void ValidateShape(ScoreQuery query)
    {
        int n = query.Candidates.Count;
        if (n == 0)
            throw ScoringException.Invalid("candidates", "at least 1 candidate is required");
        if (n > options.MaxCandidates)
            throw ScoringException.Invalid("candidates", $"{n} candidates exceed the limit of {options.MaxCandidates}");
        CheckLength("user_id", query.UserId);
        CheckLength("request_id", query.RequestId);
        for (int i = 0; i < n; i++)
        {
            var c = query.Candidates[i] ?? throw ScoringException.Invalid($"candidates[{i}]", "is null");
            if (c.ItemId is { Length: > 0 } id && id.Length > options.MaxValueLength)
                throw ScoringException.Invalid($"candidates[{i}].item_id", $"longer than {options.MaxValueLength} characters");
        }
    }

    /// <summary>Writes every value the request carries (candidate, then context) and validates names and types.</summary>
    public void EncodeRequest(ScoreQuery query, LoadedModel model, Span<long> ids, Span<float> values)
    {
        var encoder = model.Encoder;
        int f = encoder.FieldCount, n = query.Candidates.Count;
        ids.Fill(Unfilled);
        for (int i = 0; i < n; i++)
        {
            var features = query.Candidates[i].Features;
            if (features.Count == 0)
                continue;
            // Enumerating through the interface boxes the enumerator: 72 bytes per candidate. The mappers build
            // Dictionary instances, whose struct enumerator allocates nothing.
            if (features is Dictionary<string, FeatureValue> dictionary)
            {
                foreach (var (name, value) in dictionary)
                    EncodeCandidateValue(encoder, model, name, value, i, ids, values);
            }
            else
            {
                foreach (var (name, value) in features)
                    EncodeCandidateValue(encoder, model, name, value, i, ids, values);
            }
        }
        if (query.Context.Count == 0)
            return;
        if (query.Context is Dictionary<string, FeatureValue> context)
        {
            foreach (var (name, value) in context)
                EncodeContextValue(encoder, model, name, value, n, ids, values);
        }
        else
        {
            foreach (var (name, value) in query.Context)
                EncodeContextValue(encoder, model, name, value, n, ids, values);
        }
    }

    private void EncodeCandidateValue(RowEncoder encoder, LoadedModel model, string name, in FeatureValue value, int candidate, Span<long> ids, Span<float> values)
    {
        int f = encoder.FieldCount;
        int column = Resolve(encoder, name, model, candidate);
        Encode(encoder.Fields[column], value, out long id, out float x, candidate, name);
        ids[candidate * f + column] = id;
        values[candidate * f + column] = x;
    }

    private void EncodeContextValue(RowEncoder encoder, LoadedModel model, string name, in FeatureValue value, int candidates, Span<long> ids, Span<float> values)
    {
        int f = encoder.FieldCount;
        int column = Resolve(encoder, name, model, -1);
        Encode(encoder.Fields[column], value, out long id, out float x, -1, name);
        for (int i = 0; i < candidates; i++)
        {
            int slot = i * f + column;
            if (ids[slot] == Unfilled)
            {
                ids[slot] = id;
                values[slot] = x;
            }
        }
    }

    /// <summary>The lookup for the user and item fields still unfilled, or null when nothing is needed from the store.</summary>
    public static FeatureLookup? PlanLookup(ScoreQuery query, LoadedModel model, ReadOnlySpan<long> ids)
    {
        int f = model.Encoder.FieldCount, n = query.Candidates.Count;
        bool needUser = false, needItem = false;
        if (!string.IsNullOrEmpty(query.UserId) && model.UserColumns.Length > 0)
            for (int i = 0; i < n && !needUser; i++)
                foreach (int c in model.UserColumns)
                    if (ids[i * f + c] == Unfilled) { needUser = true; break; }
        if (model.ItemColumns.Length > 0)
            for (int i = 0; i < n && !needItem; i++)
                if (!string.IsNullOrEmpty(query.Candidates[i].ItemId))
                    foreach (int c in model.ItemColumns)
                        if (ids[i * f + c] == Unfilled) { needItem = true; break; }
        if (!needUser && !needItem)
            return null;
        var itemIds = new string?[n];
        if (needItem)
            for (int i = 0; i < n; i++)
                itemIds[i] = query.Candidates[i].ItemId;
        return new FeatureLookup(needUser ? query.UserId : null, itemIds, needUser ? model.UserFields : [], needItem ? model.ItemFields : []);
    }

    /// <summary>Fills unfilled user and item slots from stored values; a stored value that does not encode is left missing.</summary>
    public static void FillFromStore(LoadedModel model, FeatureLookupResult stored, Span<long> ids, Span<float> values)
    {
        var encoder = model.Encoder;
        int f = encoder.FieldCount, n = ids.Length / f;
        for (int i = 0; i < n; i++)
        {
            if (stored.User is { } user)
                Fill(encoder, model.UserColumns, user, i * f, ids, values);
            if (i < stored.Items.Length && stored.Items[i] is { } item)
                Fill(encoder, model.ItemColumns, item, i * f, ids, values);
        }
    }

    /// <summary>Entity-id fields take the request's ids; every other unfilled slot becomes missing (masked).</summary>
    public static void FillDefaults(ScoreQuery query, LoadedModel model, Span<long> ids, Span<float> values)
    {
        var fields = model.Encoder.Fields;
        int f = fields.Length, n = query.Candidates.Count;
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < f; j++)
            {
                int slot = i * f + j;
                if (ids[slot] != Unfilled)
                    continue;
                var field = fields[j];
                string? entityId = !field.Spec.EntityId ? null
                    : field.Spec.Source == FieldSources.User ? query.UserId
                    : field.Spec.Source == FieldSources.Item ? query.Candidates[i].ItemId
                    : null;
                if (!string.IsNullOrEmpty(entityId) && field.TryEncodeText(entityId, out long id, out float x, out _))
                {
                    ids[slot] = id;
                    values[slot] = x;
                }
                else
                {
                    ids[slot] = field.MissingId;
                    values[slot] = 0f;
                }
            }
        }
    }

    private static void Fill(RowEncoder encoder, int[] columns, string?[] stored, int rowStart, Span<long> ids, Span<float> values)
    {
        for (int k = 0; k < columns.Length && k < stored.Length; k++)
        {
            int slot = rowStart + columns[k];
            if (ids[slot] != Unfilled || stored[k] is null)
                continue;
            if (encoder.Fields[columns[k]].TryEncodeText(stored[k], out long id, out float x, out _))
            {
                ids[slot] = id;
                values[slot] = x;
            }
        }
    }

    private static int Resolve(RowEncoder encoder, string name, LoadedModel model, int candidate)
    {
        if (encoder.TryGetField(name, out int column))
            return column;
        string where = Where(candidate, name);
        string? hint = encoder.FindCaseInsensitive(name);
        string shown = name.Length <= 64 ? name : string.Concat(name.AsSpan(0, 64), "…");
        throw ScoringException.Invalid(
            Where(candidate, shown),
            hint is not null
                ? $"unknown field; field names are case-sensitive, did you mean '{hint}'?"
                : $"unknown field for model {model.Name} (fields: {string.Join(", ", encoder.Fields.Select(x => x.Name))})");
    }

    private void Encode(FieldEncoder field, in FeatureValue value, out long id, out float x, int candidate, string name)
    {
        if (value.Kind == FeatureValueKind.Text && value.Text!.Length > options.MaxValueLength)
            throw ScoringException.Invalid(Where(candidate, name), $"string longer than {options.MaxValueLength} characters");
        if (value.Kind == FeatureValueKind.List)
        {
            var list = value.List!;
            if (list.Count > 256)
                throw ScoringException.Invalid(Where(candidate, name), "list longer than 256 values");
            foreach (var s in list)
                if (s.Length > options.MaxValueLength)
                    throw ScoringException.Invalid(Where(candidate, name), $"list value longer than {options.MaxValueLength} characters");
        }
        if (!field.TryEncode(value, out id, out x, out string? error))
            throw ScoringException.Invalid(Where(candidate, name), error!);
    }

    private static string Where(int candidate, string name) =>
        candidate < 0 ? $"context.{name}" : $"candidates[{candidate}].features.{name}";

    private void CheckLength(string field, string? value)
    {
        if (value is { Length: > 0 } && value.Length > options.MaxValueLength)
            throw ScoringException.Invalid(field, $"longer than {options.MaxValueLength} characters");
    }
}
