using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.Serialization;

namespace AfmServing.Deploy.Tests.Support;

/// <summary>
/// Reads YAML into plain object graphs (maps, lists, string scalars) and walks them with clear failures.
/// Anchors and merge keys (<c>&lt;&lt;: *x</c>, used by docker-compose.yml) are resolved.
/// </summary>
public static class Yaml
{
    private static readonly IDeserializer Deserializer = new DeserializerBuilder().Build();

    /// <summary>Every non-empty document of a (multi-document) YAML text.</summary>
    public static List<Dictionary<object, object>> Documents(string text)
    {
        var docs = new List<Dictionary<object, object>>();
        var parser = new MergingParser(new Parser(new StringReader(text)));
        parser.Consume<StreamStart>();
        while (parser.Accept<DocumentStart>(out _))
        {
            if (Deserializer.Deserialize<object?>(parser) is Dictionary<object, object> doc)
                docs.Add(doc);
        }
        return docs;
    }

    public static Dictionary<object, object> SingleDocument(string text)
    {
        var docs = Documents(text);
        Assert.True(docs.Count == 1, $"expected one YAML document, found {docs.Count}");
        return docs[0];
    }

    /// <summary>
    /// Keys that occur twice in one mapping. Kubernetes rejects or silently merges such objects, and a plain
    /// deserializer may keep only one of them, so they are found from the event stream.
    /// </summary>
    public static List<string> DuplicateKeys(string text)
    {
        var duplicates = new List<string>();
        // Per open collection: the keys seen (null for a sequence) and whether the next scalar is a key.
        var stack = new Stack<(HashSet<string>? Keys, bool ExpectKey)>();
        var parser = new Parser(new StringReader(text));
        void ValueDone()
        {
            if (stack.Count > 0 && stack.Peek() is { Keys: not null, ExpectKey: false } top)
            {
                stack.Pop();
                stack.Push((top.Keys, true));
            }
        }
        while (parser.MoveNext())
        {
            switch (parser.Current)
            {
                case MappingStart:
                    ValueDone();
                    stack.Push((new HashSet<string>(StringComparer.Ordinal), true));
                    break;
                case SequenceStart:
                    ValueDone();
                    stack.Push((null, false));
                    break;
                case MappingEnd or SequenceEnd:
                    stack.Pop();
                    break;
                case Scalar scalar when stack.Count > 0 && stack.Peek() is { Keys: { } keys, ExpectKey: true }:
                    if (!keys.Add(scalar.Value))
                        duplicates.Add($"{scalar.Value} (line {scalar.Start.Line})");
                    stack.Pop();
                    stack.Push((keys, false));
                    break;
                case Scalar or AnchorAlias:
                    ValueDone();
                    break;
            }
        }
        return duplicates;
    }

    /// <summary>The node at <paramref name="path"/> (string keys into maps, int indexes into lists), or null.</summary>
    public static object? At(this object? node, params object[] path)
    {
        foreach (var step in path)
        {
            node = (node, step) switch
            {
                (Dictionary<object, object> map, string key) => map.TryGetValue(key, out var v) ? v : null,
                (List<object> list, int i) => i < list.Count ? list[i] : null,
                _ => null,
            };
            if (node is null)
                return null;
        }
        return node;
    }

    public static Dictionary<object, object> Map(this object? node, params object[] path) =>
        node.At(path) as Dictionary<object, object>
        ?? throw new Xunit.Sdk.XunitException($"expected a map at {Describe(path)}");

    public static List<object> Seq(this object? node, params object[] path) =>
        node.At(path) as List<object>
        ?? throw new Xunit.Sdk.XunitException($"expected a list at {Describe(path)}");

    /// <summary>A list at <paramref name="path"/>, or empty when the key is absent.</summary>
    public static List<object> SeqOrEmpty(this object? node, params object[] path) =>
        node.At(path) as List<object> ?? [];

    public static string Str(this object? node, params object[] path) =>
        node.At(path) as string
        ?? throw new Xunit.Sdk.XunitException($"expected a scalar at {Describe(path)}");

    public static string? StrOrNull(this object? node, params object[] path) => node.At(path) as string;

    public static IEnumerable<Dictionary<object, object>> Maps(this object? node, params object[] path) =>
        node.SeqOrEmpty(path).OfType<Dictionary<object, object>>();

    private static string Describe(object[] path) => path.Length == 0 ? "<root>" : string.Join('.', path);
}
