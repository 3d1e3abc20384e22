using FluentAssertions;
using NUnit.Framework;
using PixieHost.Client;

namespace PixieHost.Tests.Client;

/// <summary>What an SDK user gets: only PixieHost.Client types, and no ASP.NET Core or PixieHost.Modules to deploy.</summary>
[TestFixture]
public sealed class PixieClientAssemblyTests
{
    [Test]
    public void ExportedTypes_All_InPixieHostClientNamespace()
    {
        var exported = typeof(PixieClient).Assembly.GetExportedTypes();

        exported.Should().NotBeEmpty();
        exported.Where(t => t.Namespace != "PixieHost.Client").Select(t => t.FullName).Should().BeEmpty(
            "the linked RPC layer and the generated vizierpb messages are internal to the SDK");
        exported.Select(t => t.Name).Should().Contain(["PixieClient", "QueryResult", "ResultBatch", "ResultRow", "PixieException", "PxlScriptException", "StatusCode"]);
    }

    [Test]
    public void ReferencedAssemblies_NoAspNetCoreNorModules()
    {
        var references = typeof(PixieClient).Assembly.GetReferencedAssemblies().Select(a => a.Name!).ToList();

        references.Should().Contain("Google.Protobuf");
        references.Should().NotContain(r => r.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal) || r == "PixieHost.Modules");
    }
}
