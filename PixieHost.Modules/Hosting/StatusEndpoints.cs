using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace PixieHost.Modules.Hosting;

/// <summary>/healthz (liveness) and /statusz (every <see cref="IStatusSource"/> as JSON), on the HTTP/1.1 status port.</summary>
public static class StatusEndpoints
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    public static void MapStatus(this IEndpointRouteBuilder app, IReadOnlyList<string> roles)
    {
        app.MapGet("/healthz", () => Results.Text("ok\n"));
        app.MapGet("/statusz", (IServiceProvider sp) =>
        {
            var body = new Dictionary<string, object>
            {
                ["roles"] = roles,
                ["uptime_s"] = (long)(DateTime.UtcNow - System.Diagnostics.Process.GetCurrentProcess().StartTime.ToUniversalTime()).TotalSeconds,
            };
            foreach (var s in sp.GetServices<IStatusSource>())
            {
                body[s.Name] = s.Snapshot();
            }

            return Results.Text(JsonSerializer.Serialize(body, Json), "application/json");
        });
    }
}
