using System.Runtime.CompilerServices;
using FluentAssertions;
using NUnit.Framework;
using PixieHost.Modules.Pxl;
using PixieHost.Tests.Pxl.Support;

namespace PixieHost.Tests.Pxl;

/// <summary>
/// Golden results of library scripts in Pxl/Golden/Library/&lt;name&gt;.txt: the script name on the first line, then
/// its result tables (as <see cref="ResultGoldenTests.Render"/> prints them) when run with its vis.json defaults over
/// <see cref="LibraryData.Filled"/>. PXL_UPDATE_GOLDEN=1 rewrites the expected part.
/// </summary>
[TestFixture]
public class LibraryGoldenTests
{
    public static IEnumerable<string> GoldenFiles() =>
        Directory.GetFiles(Path.Combine(TestContext.CurrentContext.TestDirectory, "Pxl", "Golden", "Library"), "*.txt")
            .Select(Path.GetFileName)
            .Order(StringComparer.Ordinal)!;

    [TestCaseSource(nameof(GoldenFiles))]
    public async Task Execute_LibraryScriptWithDefaults_MatchesGolden(string file)
    {
        var text = File.ReadAllText(Path.Combine(TestContext.CurrentContext.TestDirectory, "Pxl", "Golden", "Library", file)).Replace("\r\n", "\n");
        var name = text[..text.IndexOf('\n', StringComparison.Ordinal)];
        var script = ScriptLibraryRunTests.Get(name);

        var actual = ResultGoldenTests.Render(
            await new QueryExecutor(LibraryData.Filled(), () => HttpEventsData.Now).ExecuteAsync(new QueryRequest(script.Pxl, QueryName: name)));

        if (Environment.GetEnvironmentVariable("PXL_UPDATE_GOLDEN") == "1")
        {
            File.WriteAllText(Path.Combine(SourceDir(), "Golden", "Library", file), name + "\n" + actual);
        }

        actual.Should().Be(text[(name.Length + 1)..]);
    }

    private static string SourceDir([CallerFilePath] string path = "") => Path.GetDirectoryName(path)!;
}
