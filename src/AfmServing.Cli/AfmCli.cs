using System.CommandLine;
using AfmServing.Cli.Commands;
using AfmServing.Cli.Commands.Bench;

namespace AfmServing.Cli;

/// <summary>The <c>afm</c> command tree. Each subcommand lives in its own class under Commands/.</summary>
public static class AfmCli
{
    public static RootCommand Build()
    {
        var root = new RootCommand("afm: train, evaluate, load features, score and benchmark Attentional Factorization Machines for AfmServing");
        root.Add(TrainCommand.Create());
        root.Add(EvaluateCommand.Create());
        root.Add(FeaturesCommand.Create());
        root.Add(ScoreCommand.Create());
        root.Add(BenchCommand.Create());
        return root;
    }

    public static Task<int> InvokeAsync(string[] args, TextWriter output, TextWriter error, CancellationToken ct = default) =>
        Build().Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error }, ct);
}
