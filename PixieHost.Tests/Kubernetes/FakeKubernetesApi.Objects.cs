using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace PixieHost.Tests.Kubernetes;

/// <summary>Single objects: GET and server-side apply (PATCH application/apply-patch+yaml) of /…/namespaces/NS/PLURAL/NAME.</summary>
public sealed partial class FakeKubernetesApi
{
    /// <summary>The body of the last server-side apply, as sent.</summary>
    public string? LastApplyBody { get; private set; }

    private async Task<bool> TryObjectAsync(HttpContext ctx)
    {
        if (Locate(ctx.Request.Path.Value ?? string.Empty) is not var (resource, key))
        {
            return false;
        }

        var current = resource.Snapshot(o => FakeKubernetesResource.Key(o) == key).Items.SingleOrDefault();
        if (HttpMethods.IsGet(ctx.Request.Method))
        {
            if (current is null)
            {
                await Status(ctx, HttpStatusCode.NotFound, "NotFound", $"{resource.Path.Split('/')[^1]} \"{key.Split('/')[^1]}\" not found");
                return true;
            }

            await Json(ctx, current);
            return true;
        }

        if (!HttpMethods.IsPatch(ctx.Request.Method) || ctx.Request.ContentType != "application/apply-patch+yaml; charset=utf-8"
            || string.IsNullOrEmpty(ctx.Request.Query["fieldManager"]))
        {
            await Status(ctx, HttpStatusCode.UnsupportedMediaType, "UnsupportedMediaType", "fake API server: only server-side apply with a fieldManager");
            return true;
        }

        var body = (await JsonNode.ParseAsync(ctx.Request.Body))!.AsObject();
        LastApplyBody = body.ToJsonString();
        if (current is null)
        {
            body["metadata"]!["uid"] = Guid.NewGuid().ToString();
            resource.Add(body);
        }
        else
        {
            // Field ownership is not modelled: the applied top-level fields replace the stored ones.
            resource.Modify(key, o =>
            {
                foreach (var (name, value) in body)
                {
                    if (name != "metadata")
                    {
                        o[name] = value?.DeepClone();
                    }
                }
            });
        }

        await Json(ctx, resource.Snapshot(o => FakeKubernetesResource.Key(o) == key).Items.Single());
        return true;
    }

    /// <summary>The collection and "ns/name" key of an object path, or null for collection paths.</summary>
    private (FakeKubernetesResource Resource, string Key)? Locate(string path)
    {
        var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var prefix = parts.Length > 0 && parts[0] == "api" ? 2 : 3;
        if (parts.Length <= prefix)
        {
            return null;
        }

        var head = "/" + string.Join('/', parts[..prefix]);
        var rest = parts[prefix..];
        return rest switch
        {
            ["namespaces", var ns, var plural, var name] when _resources.TryGetValue($"{head}/{plural}", out var r) => (r, $"{ns}/{name}"),
            [var plural, var name] when _resources.TryGetValue($"{head}/{plural}", out var r) => (r, name),
            _ => null,
        };
    }

    private static async Task Json(HttpContext ctx, JsonObject obj)
    {
        ctx.Response.ContentType = "application/json";
        await ctx.Response.WriteAsync(obj.ToJsonString());
    }
}
