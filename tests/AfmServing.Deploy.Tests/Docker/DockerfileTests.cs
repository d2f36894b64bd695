using System.Text.RegularExpressions;
using System.Xml.Linq;
using AfmServing.Deploy.Tests.Support;
using AfmServing.TestSupport;

namespace AfmServing.Deploy.Tests.Docker;

public class DockerfileTests
{
    private static readonly Dockerfile File_ = Dockerfile.Load(RepoPaths.Path("Dockerfile"));

    public static TheoryData<string> FinalTargets => new() { "cpu", "gpu" };

    [Fact]
    public void Copy_FromBuildContext_EverySourceExistsAndIsNotDockerIgnored()
    {
        var ignore = new DockerIgnore(File.ReadAllText(RepoPaths.Path(".dockerignore")));
        var sources = File_.Copies().Where(c => c.From is null).SelectMany(c => c.Sources).Distinct().ToList();

        Assert.NotEmpty(sources);
        foreach (var source in sources)
        {
            var path = RepoPaths.Path(source.TrimEnd('/').Split('/'));
            Assert.True(File.Exists(path) || Directory.Exists(path), $"Dockerfile copies '{source}', which is not in the repository");
            Assert.False(ignore.Excludes(source.TrimEnd('/')), $"Dockerfile copies '{source}', which .dockerignore leaves out of the context");
        }
    }

    [Fact]
    public void Copy_FromStages_NameStagesOfThisDockerfile()
    {
        var stages = File_.Stages.ToHashSet();

        Assert.All(File_.Copies().Where(c => c.From is not null), c => Assert.Contains(c.From!, stages));
    }

    [Fact]
    public void Dockerignore_LeavesOutBuildOutputGitAndTests()
    {
        var ignore = new DockerIgnore(File.ReadAllText(RepoPaths.Path(".dockerignore")));

        Assert.True(ignore.Excludes("src/AfmServing.Server/bin/Release/x.dll"));
        Assert.True(ignore.Excludes("src/AfmServing.Core/obj/project.assets.json"));
        Assert.True(ignore.Excludes(".git/HEAD"));
        Assert.True(ignore.Excludes("tests/AfmServing.Core.Tests/AfmServing.Core.Tests.csproj"));
        Assert.True(ignore.Excludes(".tools/bin/helm"));
        Assert.False(ignore.Excludes("src/AfmServing.Server/Program.cs"));
    }

    [Fact]
    public void RestoreLayer_CopiesEveryProjectTheServerAndCliNeed()
    {
        var firstRestore = File_.Instructions.First(i => i.Keyword == "RUN" && i.Arguments.Contains("dotnet restore", StringComparison.Ordinal));
        var copiedBeforeRestore = File_.Copies()
            .Where(c => c.From is null && c.Stage == firstRestore.Stage && c.Line < firstRestore.Line)
            .SelectMany(c => c.Sources)
            .ToHashSet();

        foreach (var project in ProjectClosure("src/AfmServing.Server/AfmServing.Server.csproj", "src/AfmServing.Cli/AfmServing.Cli.csproj"))
            Assert.True(copiedBeforeRestore.Contains(project), $"{project} is not copied before `dotnet restore`, so restore cannot see it");
        Assert.Contains("Directory.Packages.props", copiedBeforeRestore);
        Assert.Contains("Directory.Build.props", copiedBeforeRestore);
    }

    [Fact]
    public void Publish_BuildsTheServerAndCliProjects()
    {
        var publish = string.Join('\n', File_.Instructions.Where(i => i.Keyword == "RUN" && i.Arguments.Contains("dotnet publish", StringComparison.Ordinal)).Select(i => i.Arguments));

        foreach (Match m in Regex.Matches(publish, @"\S+\.csproj"))
            Assert.True(File.Exists(RepoPaths.Path(m.Value.Split('/'))), $"publish names {m.Value}, which does not exist");
        Assert.Contains("src/AfmServing.Server/AfmServing.Server.csproj", publish);
        Assert.Contains("src/AfmServing.Cli/AfmServing.Cli.csproj", publish);
    }

    [Fact]
    public void Targets_CpuIsAspNetAndGpuIsCuda13WithCudnn()
    {
        Assert.StartsWith("mcr.microsoft.com/dotnet/sdk:10.0", File_.BaseImage("build"));
        Assert.StartsWith("mcr.microsoft.com/dotnet/aspnet:10.0", File_.BaseImage("cpu"));
        Assert.Matches(@"^nvidia/cuda:13\.\d+\.\d+-cudnn-runtime-ubuntu24\.04$", File_.BaseImage("gpu"));
        // The GPU image gets the ASP.NET Core runtime from the official image.
        Assert.Contains(File_.Copies(), c => c.Stage == "gpu" && c.From == "aspnet" && c.Sources.Contains("/usr/share/dotnet"));
    }

    [Theory]
    [MemberData(nameof(FinalTargets))]
    public void Target_ExposesTheKestrelEndpointPorts(string target)
    {
        var exposed = File_.InStage(target, "EXPOSE").SelectMany(e => e.Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries)).Select(p => int.Parse(p.Split('/')[0]));

        Assert.Equal([AppSettings.HttpPort, AppSettings.GrpcPort], exposed.Order());
    }

    [Theory]
    [MemberData(nameof(FinalTargets))]
    public void Target_HealthcheckProbesReadinessOnTheHttpEndpoint(string target)
    {
        var healthcheck = File_.InStage(target, "HEALTHCHECK").Single().Arguments;
        var cmd = Dockerfile.ExecForm(healthcheck[(healthcheck.IndexOf("CMD ", StringComparison.Ordinal) + 4)..]);

        Assert.Equal(["/app/healthcheck.sh", AppSettings.HttpPort.ToString(), "/healthz/ready"], cmd);
        Assert.Contains(File_.Copies(), c => c.Stage == target && c.Sources.Contains("deploy/docker/healthcheck.sh") && c.Destination == "/app/");
    }

    [Theory]
    [MemberData(nameof(FinalTargets))]
    public void Target_RunsAsNumericNonRootUser(string target)
    {
        var user = File_.InStage(target, "USER").Last().Arguments;

        Assert.Matches(@"^\d+(:\d+)?$", user);
        Assert.NotEqual("0", user.Split(':')[0]);
    }

    [Theory]
    [MemberData(nameof(FinalTargets))]
    public void Target_WritesOnlyUnderTmpAndServesBakedModels(string target)
    {
        var env = File_.Env(target);

        Assert.Equal("/tmp", env["TMPDIR"]);
        Assert.StartsWith("/tmp", env["HOME"]);
        Assert.StartsWith("/tmp/", env["DOTNET_BUNDLE_EXTRACT_BASE_DIR"]);
        Assert.Equal("/app/models", env["Models__Root"]);
        Assert.Contains(File_.Copies(), c => c.Stage == target && c.Sources.SequenceEqual(["models/"]) && c.Destination == "/app/models/");
        // Kestrel's endpoints come from configuration; the base image's port variable would add a second binding.
        Assert.Equal("", env["ASPNETCORE_HTTP_PORTS"]);
    }

    [Theory]
    [MemberData(nameof(FinalTargets))]
    public void Target_StartsTheServerAssemblyAndShipsTheCli(string target)
    {
        var entrypoint = Dockerfile.ExecForm(File_.InStage(target, "ENTRYPOINT").Single().Arguments);

        Assert.Equal(["dotnet", $"/app/{AssemblyName("src/AfmServing.Server/AfmServing.Server.csproj")}.dll"], entrypoint);
        Assert.Contains(File_.Copies(), c => c.Stage == target && c.Sources.Contains("deploy/docker/afm") && c.Destination == "/usr/local/bin/afm");
        Assert.Contains($"/app/cli/{AssemblyName("src/AfmServing.Cli/AfmServing.Cli.csproj")}.dll", File.ReadAllText(RepoPaths.Path("deploy", "docker", "afm")));
    }

    [Fact]
    public void Targets_DeclareNoSecrets()
    {
        var text = File.ReadAllText(RepoPaths.Path("Dockerfile"));

        Assert.DoesNotMatch(new Regex(@"(?i)(password|secret|token|apikey)\s*="), text);
    }

    private static string AssemblyName(string csproj)
    {
        var doc = XDocument.Load(RepoPaths.Path(csproj.Split('/')));
        return doc.Descendants("AssemblyName").FirstOrDefault()?.Value ?? Path.GetFileNameWithoutExtension(csproj);
    }

    /// <summary>The projects and every project they reference, transitively, as repository-relative paths.</summary>
    private static HashSet<string> ProjectClosure(params string[] roots)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var queue = new Queue<string>(roots);
        while (queue.TryDequeue(out var project))
        {
            if (!seen.Add(project))
                continue;
            var dir = Path.GetDirectoryName(RepoPaths.Path(project.Split('/')))!;
            foreach (var reference in XDocument.Load(RepoPaths.Path(project.Split('/'))).Descendants("ProjectReference"))
            {
                var full = Path.GetFullPath(Path.Combine(dir, reference.Attribute("Include")!.Value.Replace('\\', '/')));
                queue.Enqueue(Path.GetRelativePath(RepoPaths.Root, full).Replace('\\', '/'));
            }
        }
        return seen;
    }
}
