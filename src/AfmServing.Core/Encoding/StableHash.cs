
namespace AfmServing.Core.Encoding;

/// <summary>
/// FNV-1a 64 over UTF-8 bytes: named in manifests, so it must never change between releases
/// (string.GetHashCode is randomised per process and cannot be used).
/// </summary>
public static class StableHash
{
    public const string Fnv1a64Name = "fnv1a64";
    private const ulong OffsetBasis = 14695981039346656037UL;
    private const ulong Prime = 1099511628211UL;

    public static ulong Fnv1a64(ReadOnlySpan<char> value)
    {
        Span<byte> stack = stackalloc byte[256];
        int max = System.Text.Encoding.UTF8.GetMaxByteCount(value.Length);
        byte[]? rented = max > stack.Length ? System.Buffers.ArrayPool<byte>.Shared.Rent(max) : null;
        try
        {
            Span<byte> buffer = rented ?? stack;
            int n = System.Text.Encoding.UTF8.GetBytes(value, buffer);
            ulong h = OffsetBasis;
            foreach (byte b in buffer[..n])
            {
                h ^= b;
                h *= Prime;
            }
            return h;
        }
        finally
        {
            if (rented is not null)
                System.Buffers.ArrayPool<byte>.Shared.Return(rented);
        }
    }
}
