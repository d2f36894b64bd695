using AfmServing.Training.Model;

namespace AfmServing.Training.Optimization;

public static class Optimizers
{
    public static IOptimizer Create(OptimizerKind kind, AfmParameters parameters, float learningRate) => kind switch
    {
        OptimizerKind.Adam => new AdamOptimizer(parameters, learningRate),
        OptimizerKind.Adagrad => new AdagradOptimizer(parameters, learningRate),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown optimiser"),
    };
}
