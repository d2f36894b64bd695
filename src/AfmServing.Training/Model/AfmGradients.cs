using System.Numerics.Tensors;

namespace AfmServing.Training.Model;

/// <summary>
/// Gradients of the loss with respect to every parameter group, laid out like <see cref="AfmParameters"/>.
/// Embedding and linear gradients are dense arrays, but only the table rows a batch touched are non-zero
/// and listed in <see cref="TouchedRows"/>: clearing, reducing and optimiser updates walk that list, so a
/// step costs O(rows touched), not O(table size).
/// </summary>
public sealed class AfmGradients
{
    private readonly int[] _touched;
    private readonly bool[] _isTouched;
    private int _touchedCount;

    public AfmGradients(AfmParameters shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        TableSize = shape.TableSize;
        EmbeddingSize = shape.EmbeddingSize;
        Embeddings = new float[shape.Embeddings.Length];
        Linear = new float[shape.Linear.Length];
        Bias = new float[1];
        AttentionW = new float[shape.AttentionW.Length];
        AttentionB = new float[shape.AttentionB.Length];
        AttentionH = new float[shape.AttentionH.Length];
        Projection = new float[shape.Projection.Length];
        _touched = new int[shape.TableSize];
        _isTouched = new bool[shape.TableSize];
    }

    public int TableSize { get; }

    public int EmbeddingSize { get; }

    public float[] Embeddings { get; }

    public float[] Linear { get; }

    public float[] Bias { get; }

    public float[] AttentionW { get; }

    public float[] AttentionB { get; }

    public float[] AttentionH { get; }

    public float[] Projection { get; }

    /// <summary>Table rows with a present value (x ≠ 0) in the batch, in first-touch order.</summary>
    public ReadOnlySpan<int> TouchedRows => _touched.AsSpan(0, _touchedCount);

    /// <summary>The dense groups (everything except the table-indexed embeddings and linear weights).</summary>
    public IReadOnlyList<(string Name, float[] Values)> DenseGroups =>
    [
        ("bias", Bias), ("attention_w", AttentionW), ("attention_b", AttentionB), ("attention_h", AttentionH), ("projection", Projection),
    ];

    public void Touch(int row)
    {
        if (_isTouched[row]) return;
        _isTouched[row] = true;
        _touched[_touchedCount++] = row;
    }

    /// <summary>Zeros every gradient; only touched table rows are visited.</summary>
    public void Clear()
    {
        int k = EmbeddingSize;
        foreach (int row in TouchedRows)
        {
            Embeddings.AsSpan(row * k, k).Clear();
            Linear[row] = 0;
            _isTouched[row] = false;
        }
        _touchedCount = 0;
        Bias[0] = 0;
        Array.Clear(AttentionW);
        Array.Clear(AttentionB);
        Array.Clear(AttentionH);
        Array.Clear(Projection);
    }

    /// <summary>this += other. Called in a fixed order over shards, so sums are bit-reproducible.</summary>
    public void Add(AfmGradients other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other.Embeddings.Length != Embeddings.Length || other.AttentionW.Length != AttentionW.Length)
            throw new ArgumentException("gradient shapes differ", nameof(other));
        int k = EmbeddingSize;
        foreach (int row in other.TouchedRows)
        {
            Touch(row);
            var mine = Embeddings.AsSpan(row * k, k);
            TensorPrimitives.Add(mine, other.Embeddings.AsSpan(row * k, k), mine);
            Linear[row] += other.Linear[row];
        }
        Bias[0] += other.Bias[0];
        TensorPrimitives.Add(AttentionW, other.AttentionW, AttentionW);
        TensorPrimitives.Add(AttentionB, other.AttentionB, AttentionB);
        TensorPrimitives.Add(AttentionH, other.AttentionH, AttentionH);
        TensorPrimitives.Add(Projection, other.Projection, Projection);
    }

    /// <summary>
    /// Adds the gradients of the L2 penalties (λ/2)·‖W‖² and (λ/2)·Σ‖v_r‖². The embedding penalty is applied
    /// only to rows touched in this batch (lazy, like sparse optimisers): a row that no batch uses is left alone,
    /// and a frequent row is pulled towards 0 more often than a rare one.
    /// </summary>
    public void AddL2(AfmParameters m, float lambdaAttention, float lambdaEmbeddings)
    {
        ArgumentNullException.ThrowIfNull(m);
        if (lambdaAttention > 0)
            TensorPrimitives.MultiplyAdd(m.AttentionW, lambdaAttention, AttentionW, AttentionW);
        if (lambdaEmbeddings > 0)
        {
            int k = EmbeddingSize;
            foreach (int row in TouchedRows)
            {
                var g = Embeddings.AsSpan(row * k, k);
                TensorPrimitives.MultiplyAdd(m.Embeddings.AsSpan(row * k, k), lambdaEmbeddings, g, g);
            }
        }
    }
}
