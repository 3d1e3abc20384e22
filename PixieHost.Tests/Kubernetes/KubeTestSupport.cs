using PixieHost.Modules.Kubernetes;

namespace PixieHost.Tests.Kubernetes;

/// <summary>Clients and waits for tests against <see cref="FakeKubernetesApi"/> (Kubernetes itself cannot run here).</summary>
public static class KubeTestSupport
{
    public const string FrontendContainerId = "9b1f4e6c2a8d7e3f5b0c1a2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f";
    public const string FrontendPodUid = "3f1c2a9e-8b7d-4c5e-9a1f-2d3e4f5a6b7c";
    public const string FrontendPod = "default/frontend-7d4b9c8f6d-x2x9k";
    public const string BackendPod = "default/backend-5f6d8b7c9-q8w7e";

    /// <summary>Informer settings for tests: small pages so lists really page, quick retries.</summary>
    public static InformerOptions Options(string? fieldSelector = null) => new()
    {
        FieldSelector = fieldSelector,
        PageSize = 2,
        InitialBackoff = TimeSpan.FromMilliseconds(20),
        MaxBackoff = TimeSpan.FromMilliseconds(200),
    };

    public static KubernetesApiClient ApiClient(FakeKubernetesApi api, string? token = null) =>
        new(new KubernetesClientConfig { Server = api.Address, Token = token is null ? null : TokenSource.Fixed(token) });

    /// <summary>Polls <paramref name="condition"/> up to 10 s; fails with <paramref name="what"/>.</summary>
    public static async Task Eventually(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"timed out waiting for: {what}");
            }

            await Task.Delay(10);
        }
    }
}
