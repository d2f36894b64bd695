namespace AfmServing.Core.Inference;

/// <summary>
/// Scores encoded rows synchronously. The ONNX Runtime session implements it; batcher tests use fakes.
/// Implementations must be safe to call from several threads at once.
/// </summary>
public interface IRowScorer
{
    /// <summary>F: ids and values per row.</summary>
    int FieldCount { get; }

    /// <summary>P: attention weights per row.</summary>
    int PairCount { get; }

    /// <summary>
    /// Scores <paramref name="rows"/> rows: <paramref name="ids"/> and <paramref name="values"/> hold rows × F
    /// entries; writes rows probabilities and rows × P attention weights.
    /// </summary>
    void Score(Memory<long> ids, Memory<float> values, int rows, Memory<float> probabilities, Memory<float> attention);
}
