using FluentAssertions;
using NUnit.Framework;
using PixieHost.Tests.Support;

namespace PixieHost.Tests.EndToEnd;

/// <summary>pixie without the privileges eBPF needs: it says which capability is missing and keeps collecting /proc.</summary>
[TestFixture]
[NonParallelizable]
public class PrivilegeEndToEndTests
{
    [Test]
    public async Task Serve_WithoutCapabilities_NamesTheMissingCapabilityAndKeepsProcessStats()
    {
        if (Environment.UserName != "root" || !File.Exists("/usr/bin/setpriv"))
        {
            Assert.Ignore("needs root and setpriv (util-linux) to drop capabilities");
        }

        using var pixie = PixieProcess.StartWithoutCapabilities();
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!pixie.Output.Contains("socket tracer unavailable", StringComparison.Ordinal) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        pixie.Output.Should().Contain("CAP_BPF").And.Contain("Fix:");
        var status = await pixie.StatusAsync();
        status.GetProperty("socket_tracer").GetProperty("state").GetString().Should().StartWith("unavailable");

        List<System.Text.Json.JsonElement> rows = [];
        while (rows.Count == 0 && DateTime.UtcNow < deadline.AddSeconds(10))
        {
            rows = pixie.Query("import px\ndf = px.DataFrame(table='process_stats', start_time='-1m')\ndf = df.agg(n=('rss_bytes', px.count))\npx.display(df, 'n')\n")
                .Where(r => r.GetProperty("n").GetInt64() > 0).ToList();
        }

        rows.Should().ContainSingle("process_stats keeps being collected without eBPF");
    }
}
