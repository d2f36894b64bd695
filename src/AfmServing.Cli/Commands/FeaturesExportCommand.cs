using System.CommandLine;
using AfmServing.Core.Features;
using AfmServing.Core.Features.Conversion;

namespace AfmServing.Cli.Commands;

/// <summary>
/// Entity files from the public datasets, ready for <c>afm features load</c>:
/// <c>afm features export-frappe-items</c> (item → cost from Frappe libFM files) and
/// <c>afm features export-movielens</c> (MovieLens-100K users and items). Exit 0 on success, 1 on any error.
/// </summary>
public static class FeaturesExportCommand
{
    public static Command CreateFrappeItems()
    {
        var data = new Option<FileInfo[]>("--data")
        {
            Description = "Frappe libFM file(s), e.g. frappe.test.libfm frappe.validation.libfm",
            Required = true,
            AllowMultipleArgumentsPerToken = true,
        };
        var output = new Option<FileInfo>("--out")
        {
            Description = "Item entity file to write (CSV: id,item,cost)",
            DefaultValueFactory = _ => new FileInfo("items.csv"),
        };
        var command = new Command("export-frappe-items", "Write a Frappe item entity file (id,item,cost) from libFM files")
        {
            data, output,
        };
        command.SetAction(parse => Run(parse.InvocationConfiguration.Error, () =>
        {
            var outFile = parse.GetValue(output)!.FullName;
            var s = FrappeItemExport.Export(parse.GetValue(data)!.Select(f => f.FullName).ToArray(), outFile);
            parse.InvocationConfiguration.Output.WriteLine(
                $"wrote {s.Items} items ({s.ItemsWithCost} with a cost, {s.CostConflicts} cost conflicts) from {s.Rows} rows to {outFile}");
        }));
        return command;
    }

    public static Command CreateMovieLens()
    {
        var dataDir = new Option<DirectoryInfo>("--data-dir")
        {
            Description = "MovieLens-100K folder (u.user, u.item, u.genre)",
            Required = true,
        };
        var outDir = new Option<DirectoryInfo>("--out-dir")
        {
            Description = "Folder for users.csv (id,user,age,gender,occupation,zip_prefix) and items.csv (id,item,year,genres)",
            DefaultValueFactory = _ => new DirectoryInfo("."),
        };
        var command = new Command("export-movielens", "Write MovieLens-100K user and item entity files")
        {
            dataDir, outDir,
        };
        command.SetAction(parse => Run(parse.InvocationConfiguration.Error, () =>
        {
            var s = MovieLensEntityExport.Export(parse.GetValue(dataDir)!.FullName, parse.GetValue(outDir)!.FullName);
            parse.InvocationConfiguration.Output.WriteLine($"wrote {s.Users} users to {s.UsersFile} and {s.Items} items to {s.ItemsFile}");
        }));
        return command;
    }

    private static int Run(TextWriter stderr, Action export)
    {
        try
        {
            export();
            return 0;
        }
        catch (EntityFileException e)
        {
            stderr.WriteLine(e.Message);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            stderr.WriteLine($"error: {e.Message}");
        }
        return 1;
    }
}
