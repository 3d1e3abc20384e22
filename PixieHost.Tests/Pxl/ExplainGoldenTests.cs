using System.Runtime.CompilerServices;
using FluentAssertions;
using NUnit.Framework;
using PixieHost.Modules.Pxl;
using PixieHost.Modules.Pxl.Scripts;
using PixieHost.Modules.TableStore;
using PixieHost.Tests.Pxl.Support;

namespace PixieHost.Tests.Pxl;

/// <summary>
/// Golden EXPLAIN files in Pxl/Golden: the script (or "library: px/name"), a line "----", then the expected plan.
/// Set PXL_UPDATE_GOLDEN=1 to rewrite the expected part from the current output.
/// </summary>
[TestFixture]
public class ExplainGoldenTests
{
    private const string Separator = "----\n";

    public static IEnumerable<string> GoldenFiles() =>
        Directory.GetFiles(Path.Combine(TestContext.CurrentContext.TestDirectory, "Pxl", "Golden"), "*.txt")
            .Select(Path.GetFileName)
            .Order(StringComparer.Ordinal)!;

    [TestCaseSource(nameof(GoldenFiles))]
    public void Explain_GoldenScript_MatchesExpectedPlan(string file)
    {
        var text = File.ReadAllText(Path.Combine(TestContext.CurrentContext.TestDirectory, "Pxl", "Golden", file)).Replace("\r\n", "\n");
        var split = text.IndexOf(Separator, StringComparison.Ordinal);
        split.Should().BeGreaterThan(0, "a golden file is a script, a '----' line, then the plan");
        var script = text[..split];
        var expected = text[(split + Separator.Length)..];

        var executor = new QueryExecutor(new TableStore(), () => HttpEventsData.Now);
        var actual = executor.Explain(Request(script));

        if (Environment.GetEnvironmentVariable("PXL_UPDATE_GOLDEN") == "1")
        {
            File.WriteAllText(Path.Combine(SourceDir(), "Golden", file), script + Separator + actual);
        }

        actual.Should().Be(expected);
    }

    private static QueryRequest Request(string script)
    {
        const string LibraryPrefix = "library: ";
        if (!script.StartsWith(LibraryPrefix, StringComparison.Ordinal))
        {
            return new QueryRequest(script);
        }

        var name = script[LibraryPrefix.Length..].Trim();
        ScriptLibrary.Embedded.TryGet(name, out var s).Should().BeTrue();
        return new QueryRequest(s.Pxl, QueryName: name);
    }

    private static string SourceDir([CallerFilePath] string path = "") => Path.GetDirectoryName(path)!;
}
