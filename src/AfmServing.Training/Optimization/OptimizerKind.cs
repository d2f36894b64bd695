namespace AfmServing.Training.Optimization;

public enum OptimizerKind
{
    Adam,
    Adagrad,
}
