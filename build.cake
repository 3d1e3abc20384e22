// Build script (Cake 7). Run through ./build.sh, which prepares the host and restores the local tool.
// Targets: Clean, Native, Build (default), Test, Install, Run, Bench.
using System.Xml.Linq;

var target = Argument("target", "Build");
var configuration = Argument("configuration", "Release");
var filter = Argument("filter", "");          // dotnet test --filter expression, e.g. Category!=Ebpf
var roles = Argument("role", "");             // Run: roles to host; empty = standalone
var benchFilter = Argument("bench", "");      // Bench: a BenchmarkDotNet --filter (e.g. "*Ingest*"); empty = the quick ingest/store report

var artifacts = Directory("./artifacts");
var nativeDir = "./PixieHost.Ebpf.Native";

void Run(string file, string args, string workDir = ".")
{
    var code = StartProcess(file, new ProcessSettings { Arguments = args, WorkingDirectory = workDir });
    if (code != 0)
    {
        throw new Exception($"'{file} {args}' exited with {code}");
    }
}

Task("Clean")
    .Does(() =>
{
    CleanDirectories("./**/bin/" + configuration);
    CleanDirectories("./**/obj");
    CleanDirectory(artifacts);
    Run("make", $"-C {nativeDir} clean");
});

Task("Native")
    .Description("vmlinux.h from the running kernel's BTF, the BPF objects (clang) and the libbpf shim.")
    .Does(() =>
{
    Run("make", $"-C {nativeDir} -j2");
});

Task("Build")
    .IsDependentOn("Native")
    .Does(() =>
{
    DotNetBuild("./Pixie.sln", new DotNetBuildSettings { Configuration = configuration });
});

Task("Test")
    .IsDependentOn("Build")
    .Does(() =>
{
    EnsureDirectoryExists(artifacts);
    var results = artifacts + Directory("test-results");
    CleanDirectory(results);
    var args = $"test ./Pixie.sln -c {configuration} --no-build --logger \"trx;LogFileName=tests.trx\" --logger \"console;verbosity=normal\" " +
               $"--results-directory \"{results}\" --blame-hang-timeout 10m";
    if (!string.IsNullOrEmpty(filter))
    {
        args += $" --filter \"{filter}\"";
    }

    var code = StartProcess("dotnet", new ProcessSettings { Arguments = args });
    int passed = 0, failed = 0;
    foreach (var trx in GetFiles($"{results}/**/*.trx"))
    {
        var counters = XDocument.Load(trx.FullPath).Descendants().First(e => e.Name.LocalName == "Counters");
        passed += int.Parse(counters.Attribute("passed")?.Value ?? "0");
        failed += int.Parse(counters.Attribute("failed")?.Value ?? "0") + int.Parse(counters.Attribute("error")?.Value ?? "0")
                + int.Parse(counters.Attribute("timeout")?.Value ?? "0") + int.Parse(counters.Attribute("aborted")?.Value ?? "0");
    }

    if (code != 0 && failed == 0)
    {
        failed = 1; // the runner itself failed (crash, hang): never report a clean run
    }

    System.IO.File.WriteAllText($"{artifacts}/test-summary.txt", $"{passed} passed, {failed} failed\n");
    if (failed > 0)
    {
        throw new Exception($"{failed} test(s) failed");
    }
});

Task("Install")
    .Description("Publishes pixie to artifacts/pixie and links /usr/local/bin/pixie to it (when writable).")
    .IsDependentOn("Native")
    .Does(() =>
{
    var outDir = MakeAbsolute(Directory("./artifacts/pixie")).FullPath;
    DotNetPublish("./PixieHost/PixieHost.csproj", new DotNetPublishSettings { Configuration = configuration, OutputDirectory = outDir });
    var link = "/usr/local/bin/pixie";
    if (StartProcess("ln", new ProcessSettings { Arguments = $"-sf {outDir}/pixie {link}" }) == 0)
    {
        Information($"pixie installed: {link} -> {outDir}/pixie");
    }
    else
    {
        Warning($"could not link {link}; run {outDir}/pixie directly");
    }
});

Task("Run")
    .IsDependentOn("Install")
    .Does(() =>
{
    var args = "serve" + (string.IsNullOrEmpty(roles) ? "" : $" --role {roles}");
    Run(MakeAbsolute(File("./artifacts/pixie/pixie")).FullPath, args);
});

Task("Bench")
    .IsDependentOn("Build")
    .Does(() =>
{
    var bench = $"bench/PixieHost.Benchmarks/bin/{configuration}/net10.0/PixieHost.Benchmarks.dll";
    Run("dotnet", string.IsNullOrEmpty(benchFilter) ? $"{bench} quick" : $"{bench} --filter \"{benchFilter}\" --artifacts {artifacts}/bench");
    Run("bash", "bench/overhead/run.sh");
});

RunTarget(target);
