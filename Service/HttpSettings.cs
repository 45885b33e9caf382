using System.Globalization;
using System.Net;
using ActorPager.Actors;
using Akka.Configuration.Hocon;
using Microsoft.Extensions.Configuration;

namespace ActorPager.Service;

/// <summary>The HTTP API's settings (hocon: <c>actorpager.http</c>), read through <see cref="IConfiguration"/>.</summary>
internal sealed record HttpSettings
{
    /// <summary>The configuration section, in <see cref="IConfiguration"/> key form.</summary>
    public const string Section = "actorpager:http";

    /// <summary>HOST:PORT to listen on.</summary>
    public string Listen { get; init; } = "127.0.0.1:5080";

    /// <summary>The bearer token; empty for none.</summary>
    public string Token { get; init; } = string.Empty;

    /// <summary>Largest body a write accepts.</summary>
    public long MaxBodySize { get; init; } = 16L * 1024 * 1024;

    /// <summary>Largest range one read returns.</summary>
    public long MaxReadLength { get; init; } = 16L * 1024 * 1024;

    /// <summary>Most pages one /pages request may ask for.</summary>
    public int MaxPageStates { get; init; } = 4096;

    /// <summary>Largest file size a write or truncate may produce.</summary>
    public long MaxFileSize { get; init; } = 1L << 40;

    /// <summary>The mount the store is served under.</summary>
    public string Mount { get; init; } = "files";

    /// <summary>How long a graceful shutdown waits for requests in flight.</summary>
    public TimeSpan ShutdownTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How often the live view's event stream (<c>GET /v1/events</c>) sends an update.</summary>
    public TimeSpan EventsInterval { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Reads the settings from <paramref name="configuration"/>; missing keys keep their defaults.</summary>
    /// <param name="configuration">The host's configuration.</param>
    /// <param name="sourceOf">Names where a setting came from (a file, a variable), for messages; null leaves it out.</param>
    /// <exception cref="ConfigException">A value cannot be read; the message names its source and key.</exception>
    public static HttpSettings From(IConfiguration configuration, Func<string, string>? sourceOf = null)
    {
        var section = configuration.GetSection(Section);
        var defaults = new HttpSettings();
        var reader = new SettingsReader(section, "actorpager.http", sourceOf);
        return new HttpSettings
        {
            Listen = section["listen"] ?? defaults.Listen,
            Token = section["token"] ?? defaults.Token,
            MaxBodySize = reader.Bytes("max-body-size") ?? defaults.MaxBodySize,
            MaxReadLength = reader.Bytes("max-read-length") ?? defaults.MaxReadLength,
            MaxPageStates = (int?)reader.Number("max-page-states") ?? defaults.MaxPageStates,
            MaxFileSize = reader.Bytes("max-file-size") ?? defaults.MaxFileSize,
            Mount = section["mount"] ?? defaults.Mount,
            ShutdownTimeout = reader.Duration("shutdown-timeout") ?? defaults.ShutdownTimeout,
            EventsInterval = reader.Duration("events-interval") is { } interval
                ? (interval >= TimeSpan.FromMilliseconds(100) ? interval : throw new ConfigException(sourceOf?.Invoke("actorpager.http.events-interval"), "actorpager.http.events-interval", $"expected at least 100ms (a few updates a second at most), got {interval.TotalMilliseconds} ms"))
                : defaults.EventsInterval,
        };
    }

    /// <summary>Splits <see cref="Listen"/> into an address and a port.</summary>
    /// <exception cref="FormatException">Not HOST:PORT; the message says why.</exception>
    public (IPAddress Address, int Port) ParseListen()
    {
        var text = Listen.Trim();
        var colon = text.LastIndexOf(':');
        if (colon <= 0 || colon == text.Length - 1)
        {
            throw new FormatException($"--listen / actorpager.http.listen: expected HOST:PORT (e.g. 127.0.0.1:5080), got \"{Listen}\"");
        }

        var host = text[..colon].Trim('[', ']');
        if (!int.TryParse(text[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port > 65535)
        {
            throw new FormatException($"--listen / actorpager.http.listen: \"{text[(colon + 1)..]}\" is not a port (0-65535)");
        }

        if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            return (IPAddress.Loopback, port);
        }

        return IPAddress.TryParse(host, out var address)
            ? (address, port)
            : throw new FormatException($"--listen / actorpager.http.listen: \"{host}\" is not an IP address (or localhost)");
    }
}
