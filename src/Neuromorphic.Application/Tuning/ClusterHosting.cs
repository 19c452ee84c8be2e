using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;

namespace Neuromorphic.Application.Tuning;

/// <summary>Silos and clients of a tuning cluster. Development clustering on one machine (the first silo keeps the
/// membership); docs/tuning.md says how to use a real membership provider across machines.</summary>
public static class ClusterHosting
{
    public const string ClusterId = "neuromorphic-tune";
    public const string ServiceId = "neuromorphic";

    /// <summary>A silo on this machine at <paramref name="siloPort"/> (silo to silo) and <paramref name="gatewayPort"/>
    /// (clients); a silo other than the first names the first one's silo port in <paramref name="primaryPort"/>.</summary>
    public static IHost Silo(int siloPort, int gatewayPort, int? primaryPort)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [], ContentRootPath = AppContext.BaseDirectory });
        Quiet(builder);
        builder.UseOrleans(silo => silo.UseLocalhostClustering(siloPort, gatewayPort,
            primaryPort is { } p ? new IPEndPoint(IPAddress.Loopback, p) : null, ServiceId, ClusterId));
        return builder.Build();
    }

    // Orleans logs a lost peer at warning level with its stack trace; the search reports it in one line.
    static void Quiet(HostApplicationBuilder builder)
    {
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Logging.AddFilter("Orleans", LogLevel.Error);
    }

    /// <summary>A client connected to the gateways at <paramref name="gateways"/> (host:port, comma-separated).</summary>
    public static IHost Client(string gateways)
    {
        var endpoints = gateways.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(Endpoint).ToArray();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [], ContentRootPath = AppContext.BaseDirectory });
        Quiet(builder);
        builder.UseOrleansClient(client =>
        {
            client.UseStaticClustering(endpoints);
            client.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (ClusterId, ServiceId));
        });
        return builder.Build();
    }

    static IPEndPoint Endpoint(string text)
    {
        int colon = text.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(text[(colon + 1)..], out int port) || port is < 1 or > 65535)
            throw new UserErrorException($"--cluster takes HOST:PORT gateways (comma-separated), not '{text}'.");
        string host = text[..colon];
        var address = host is "localhost" ? IPAddress.Loopback
            : IPAddress.TryParse(host, out var ip) ? ip
            : Dns.GetHostAddresses(host).FirstOrDefault() ?? throw new UserErrorException($"--cluster: '{host}' does not resolve to an address.");
        return new IPEndPoint(address, port);
    }

    /// <summary>The grain factory of a started client host.</summary>
    public static IGrainFactory Grains(IHost client) => client.Services.GetRequiredService<IClusterClient>();
}
