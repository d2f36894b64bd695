using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Unicode;
using Google.Protobuf.Reflection;

namespace AfmServing.Server.Rest;

/// <summary>
/// Checks that a REST body has the JSON shape of a protobuf message before JSON transcoding reads it. Transcoding
/// skips unknown and misspelt properties silently (a client's <c>"UserId"</c> would score without the user) and
/// answers every other shape error with one generic sentence; this names the field and the reason instead.
/// Field names come from the message descriptors, so the check follows the proto.
/// </summary>
internal static class ScoreJsonShape
{
    private const int MaxShownName = 64;
    private const int MaxShownJsonError = 300;

    private static readonly ConcurrentDictionary<MessageDescriptor, FieldLookup> Lookups = new();

    /// <summary>Null when <paramref name="json"/> fits <paramref name="descriptor"/>'s JSON mapping; else a message naming the field and the reason.</summary>
    public static string? Check(ReadOnlySpan<byte> json, MessageDescriptor descriptor)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 64 });
        try
        {
            if (!reader.Read())
                return "the body is empty; send a JSON object";
            if (reader.TokenType != JsonTokenType.StartObject)
                return $"the body must be a JSON object ({descriptor.Name}), got {Describe(reader.TokenType)}";
            var state = new State();
            string? error = ReadMessage(ref reader, descriptor, "", state);
            if (error is not null)
                return error;
            // Anything after the object (the reader throws on non-whitespace) is malformed.
            reader.Read();
            return null;
        }
        catch (JsonException e)
        {
            // The reader quotes what it found, which for a broken literal can be the rest of the body.
            return "invalid JSON: " + (e.Message.Length <= MaxShownJsonError ? e.Message : string.Concat(e.Message.AsSpan(0, MaxShownJsonError), "…"));
        }
    }

    private static string? ReadMessage(ref Utf8JsonReader reader, MessageDescriptor descriptor, string path, State state)
    {
        var lookup = Lookups.GetOrAdd(descriptor, static d => new FieldLookup(d));
        ulong seen = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (!TryName(ref reader, out string name, out string? error, path))
                return error;
            string fieldPath = Join(path, name);
            if (!lookup.ByName.TryGetValue(name, out var field))
                return Unknown(lookup, descriptor, path, name);
            // Both spellings of a field (userId, user_id) are the same field. Numbers past 63 go unchecked.
            ulong bit = field.FieldNumber < 64 ? 1UL << field.FieldNumber : 0;
            if ((seen & bit) != 0)
                return $"{Shown(fieldPath)}: repeated; a field may appear once";
            seen |= bit;
            reader.Read();
            error = ReadField(ref reader, field, fieldPath, state);
            if (error is not null)
                return error;
        }
        return null;
    }

    private static string? ReadField(ref Utf8JsonReader reader, FieldDescriptor field, string path, State state)
    {
        var token = reader.TokenType;
        // proto3 JSON reads null as the default, but transcoding cannot assign null to a list or a map.
        if (token == JsonTokenType.Null)
            return field.IsRepeated ? $"{path}: expected {(field.IsMap ? "an object of name/value pairs" : "a list")}, got null; leave the field out instead" : null;
        if (field.IsMap)
        {
            if (token != JsonTokenType.StartObject)
                return $"{path}: expected an object of name/value pairs, got {Describe(token)}";
            return ReadMap(ref reader, field, path, state);
        }
        if (field.IsRepeated)
        {
            if (token != JsonTokenType.StartArray)
                return $"{path}: expected a list, got {Describe(token)}";
            int index = 0;
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                string itemPath = $"{path}[{index++}]";
                if (field.FieldType == FieldType.Message && reader.TokenType == JsonTokenType.Null)
                    return $"{itemPath}: expected an object, got null";
                string? error = ReadSingle(ref reader, field, itemPath, state);
                if (error is not null)
                    return error;
            }
            return null;
        }
        return ReadSingle(ref reader, field, path, state);
    }

    private static string? ReadSingle(ref Utf8JsonReader reader, FieldDescriptor field, string path, State state)
    {
        var token = reader.TokenType;
        switch (field.FieldType)
        {
            case FieldType.Message when IsWellKnown(field.MessageType):
                return ReadAny(ref reader, path);
            case FieldType.Message:
                return token == JsonTokenType.StartObject
                    ? ReadMessage(ref reader, field.MessageType, path, state)
                    : $"{path}: expected an object, got {Describe(token)}";
            case FieldType.String:
            case FieldType.Bytes:
                return token == JsonTokenType.String ? CheckText(ref reader, path) : $"{path}: expected a string, got {Describe(token)}";
            case FieldType.Bool:
                return token is JsonTokenType.True or JsonTokenType.False ? null : $"{path}: expected true or false, got {Describe(token)}";
            default:
                // Numbers and enums: proto3 JSON takes a number or a string; transcoding checks the value.
                return token is JsonTokenType.Number or JsonTokenType.String ? ReadAny(ref reader, path) : $"{path}: expected a number, got {Describe(token)}";
        }
    }

    /// <summary>A map field: names are free (the scorer checks them against the model), but each may appear once.</summary>
    private static string? ReadMap(ref Utf8JsonReader reader, FieldDescriptor field, string path, State state)
    {
        // Maps do not nest in each other here (their values are google.protobuf.Value), so one set serves all.
        var keys = state.MapKeys;
        keys.Clear();
        var valueField = field.MessageType.FindFieldByNumber(2);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (!TryName(ref reader, out string key, out string? error, path))
                return error;
            string keyPath = $"{path}.{key}";
            if (!keys.Add(key))
                return $"{Shown(keyPath)}: repeated; a name may appear once";
            reader.Read();
            if (valueField.FieldType == FieldType.Message && IsWellKnown(valueField.MessageType))
                error = ReadAny(ref reader, keyPath);
            else
                error = ReadSingle(ref reader, valueField, keyPath, state);
            if (error is not null)
                return error;
        }
        return null;
    }

    /// <summary>Any JSON value (a google.protobuf.Value): only its strings are checked, for valid UTF-8.</summary>
    private static string? ReadAny(ref Utf8JsonReader reader, string path)
    {
        if (reader.TokenType is not (JsonTokenType.StartObject or JsonTokenType.StartArray))
            return reader.TokenType == JsonTokenType.String ? CheckText(ref reader, path) : null;
        int depth = reader.CurrentDepth;
        while (reader.Read() && reader.CurrentDepth > depth)
        {
            if (reader.TokenType is JsonTokenType.String or JsonTokenType.PropertyName)
            {
                string? error = CheckText(ref reader, path);
                if (error is not null)
                    return error;
            }
        }
        return null;
    }

    private static bool TryName(ref Utf8JsonReader reader, out string name, out string? error, string path)
    {
        error = CheckText(ref reader, path.Length == 0 ? "a field name" : path);
        name = error is null ? reader.GetString()! : "";
        return error is null;
    }

    /// <summary>Transcoding would fail on these with no word of where: invalid UTF-8 bytes and lone UTF-16 surrogate escapes.</summary>
    private static string? CheckText(ref Utf8JsonReader reader, string path)
    {
        if (!reader.ValueIsEscaped)
            return Utf8.IsValid(reader.ValueSpan) ? null : $"{Shown(path)}: the string is not valid UTF-8";
        try
        {
            reader.GetString();
            return null;
        }
        catch (InvalidOperationException)
        {
            return $"{Shown(path)}: the string is not valid UTF-8 or holds a lone UTF-16 surrogate escape";
        }
    }

    private static string Unknown(FieldLookup lookup, MessageDescriptor descriptor, string path, string name)
    {
        string shown = Shown(Join(path, name));
        return lookup.ByNameIgnoringCase.TryGetValue(name, out var hint)
            ? $"{shown}: unknown field; field names are case-sensitive, did you mean '{hint.JsonName}'?"
            : $"{shown}: unknown field ({descriptor.Name} fields: {lookup.Names})";
    }

    private static bool IsWellKnown(MessageDescriptor message) => message.File.Package == "google.protobuf";

    private static string Join(string path, string name) => path.Length == 0 ? name : $"{path}.{name}";

    private static string Shown(string path) => path.Length <= MaxShownName ? path : string.Concat(path.AsSpan(0, MaxShownName), "…");

    private static string Describe(JsonTokenType token) => token switch
    {
        JsonTokenType.StartObject => "an object",
        JsonTokenType.StartArray => "a list",
        JsonTokenType.String => "a string",
        JsonTokenType.Number => "a number",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.Null => "null",
        _ => token.ToString(),
    };

    private sealed class State
    {
        public HashSet<string> MapKeys { get; } = new(StringComparer.Ordinal);
    }

    /// <summary>A message's fields by JSON name and by proto name (proto3 JSON accepts both).</summary>
    private sealed class FieldLookup
    {
        public FieldLookup(MessageDescriptor descriptor)
        {
            foreach (var field in descriptor.Fields.InFieldNumberOrder())
            {
                ByName[field.JsonName] = field;
                ByName[field.Name] = field;
                ByNameIgnoringCase.TryAdd(field.JsonName, field);
                ByNameIgnoringCase.TryAdd(field.Name, field);
            }
            Names = string.Join(", ", descriptor.Fields.InFieldNumberOrder().Select(f => f.JsonName));
        }

        public Dictionary<string, FieldDescriptor> ByName { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, FieldDescriptor> ByNameIgnoringCase { get; } = new(StringComparer.OrdinalIgnoreCase);

        public string Names { get; }
    }
}
