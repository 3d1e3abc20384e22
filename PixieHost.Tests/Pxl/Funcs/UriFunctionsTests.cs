using System.Text.Json;
using FluentAssertions;
using NUnit.Framework;

namespace PixieHost.Tests.Pxl.Funcs;

[TestFixture]
public class UriFunctionsTests
{
    [TestCase("https://bob:pw@example.com:8443/a/b?x=1&y=2#top", "https", "bob:pw", "example.com", 8443L, "/a/b", "x=1&y=2", "top")]
    [TestCase("http://[::1]:80/", "http", null, "[::1]", 80L, "/", null, null)]
    [TestCase("/api/users?id=3", null, null, null, null, "/api/users", "id=3", null)]
    [TestCase("mailto:a@b.c", "mailto", null, null, null, "a@b.c", null, null)]
    public void UriParse_SplitsTheParts(string uri, string? scheme, string? user, string? host, long? port, string? path, string? query, string? fragment)
    {
        using var doc = JsonDocument.Parse((string)PxlRun.Value($"px.uri_parse('{uri}')")!);
        string? S(string k) => doc.RootElement.TryGetProperty(k, out var v) ? v.GetString() : null;
        (S("scheme"), S("userinfo"), S("host"), S("path"), S("query"), S("fragment")).Should().Be((scheme, user, host, path, query, fragment));
        (doc.RootElement.TryGetProperty("port", out var p) ? p.GetInt64() : (long?)null).Should().Be(port);
    }

    [TestCase("'https', 'bob', 'example.com', 8443, '/a', 'x=1', 'top'", "https://bob@example.com:8443/a?x=1#top")]
    [TestCase("'http', '', 'h', 0, '/p', '', ''", "http://h/p")]
    [TestCase("'', '', '', 0, '/p', 'q', ''", "/p?q")]
    public void UriRecompose_JoinsTheParts(string args, string expected) =>
        PxlRun.Value($"px.uri_recompose({args})").Should().Be(expected);
}
