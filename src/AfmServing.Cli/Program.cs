using System.CommandLine;
using AfmServing.Cli.Commands;
using AfmServing.Cli.Commands.Bench;

// Temporary root until the `afm` root command (branch export) is merged: the integrator adds
// FeaturesCommand.Create() to that root in one line and drops this file's version.
var root = new RootCommand("afm: train, evaluate and serve Attentional Factorization Machine CTR models")
{
    FeaturesCommand.Create(),
    BenchCommand.Create(),
};
return await root.Parse(args).InvokeAsync();
