using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using FluentAssertions;
using NUnit.Framework;
using PixieHost.Modules.Pxl;
using PixieHost.Tests.Pxl.Support;

namespace PixieHost.Tests.Pxl;

/// <summary>
/// End-to-end golden files in Pxl/Golden/Results: a script, a line "----", then the result tables as text, run over
/// 20 synthetic http_events rows (one per second up to <see cref="HttpEventsData.Now"/>). raw.txt lists those rows,
/// so every other file can be checked by eye. PXL_UPDATE_GOLDEN=1 rewrites the expected part.
/// </summary>
[TestFixture]
public class ResultGoldenTests
{
    private const string Separator = "----\n";

    public static IEnumerable<string> GoldenFiles() =>
        Directory.GetFiles(Path.Combine(TestContext.CurrentContext.TestDirectory, "Pxl", "Golden", "Results"), "*.txt")
            .Select(Path.GetFileName)
            .Order(StringComparer.Ordinal)!;

    [TestCaseSource(nameof(GoldenFiles))]
    public async Task Execute_GoldenScript_MatchesExpectedRows(string file)
    {
        var text = File.ReadAllText(Path.Combine(TestContext.CurrentContext.TestDirectory, "Pxl", "Golden", "Results", file)).Replace("\r\n", "\n");
        var split = text.IndexOf(Separator, StringComparison.Ordinal);
        var script = text[..split];
        var executor = new QueryExecutor(HttpEventsData.Store(HttpEventsData.Rows(20), batchSize: 6), () => HttpEventsData.Now);

        var actual = Render(await executor.ExecuteAsync(new QueryRequest(script)));

        if (Environment.GetEnvironmentVariable("PXL_UPDATE_GOLDEN") == "1")
        {
            File.WriteAllText(Path.Combine(SourceDir(), "Golden", "Results", file), script + Separator + actual);
        }

        actual.Should().Be(text[(split + Separator.Length)..]);
    }

    /// <summary>"== name ==", a header of column names, then one line per row; cells separated by " | ".</summary>
    public static string Render(QueryResult result)
    {
        var sb = new StringBuilder();
        foreach (var table in result.Tables)
        {
            sb.Append("== ").Append(table.Name).Append(" ==\n");
            sb.Append(string.Join(" | ", table.Relation.Columns.Select(c => c.Name))).Append('\n');
            foreach (var row in ResultRows.Of(table))
            {
                sb.Append(string.Join(" | ", row.Values.Select(Cell))).Append('\n');
            }
        }

        return sb.ToString();
    }

    private static string Cell(object? v) => v switch
    {
        double d => d.ToString("0.###", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => v?.ToString() ?? "null",
    };

    private static string SourceDir([CallerFilePath] string path = "") => Path.GetDirectoryName(path)!;
}
