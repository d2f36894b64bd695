using System.CommandLine;

namespace AfmServing.Cli.Commands;

/// <summary><c>afm features</c>: load entity files into Redis and make entity files from the public datasets.</summary>
public static class FeaturesCommand
{
    public static Command Create() => new("features", "Feature store tools: load entity files into Redis, export entity files from datasets")
    {
        FeaturesLoadCommand.Create(),
        FeaturesExportCommand.CreateFrappeItems(),
        FeaturesExportCommand.CreateMovieLens(),
    };
}
