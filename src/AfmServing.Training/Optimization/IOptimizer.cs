using AfmServing.Training.Model;

namespace AfmServing.Training.Optimization;

/// <summary>
/// Applies one update from a batch's gradients (regularisation already added). Embedding and linear
/// rows are updated only where the batch touched them (<see cref="AfmGradients.TouchedRows"/>): the
/// "lazy" form of sparse optimisers, which keeps a step O(batch) rather than O(table).
/// </summary>
public interface IOptimizer
{
    void Step(AfmParameters parameters, AfmGradients gradients);
}
