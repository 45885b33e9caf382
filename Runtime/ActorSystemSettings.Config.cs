using ActorPager.Runtime.Configuration;

namespace ActorPager.Runtime;

/// <summary>Reading the settings from HOCON (issue 3 item 7): <c>actorpager.actor</c>, <c>actorpager.scheduler</c>, <c>actorpager.deterministic</c>.</summary>
public sealed partial record ActorSystemSettings
{
    /// <summary>
    /// The settings in <paramref name="config"/> (resolved, normally from
    /// <see cref="ConfigurationFactory.Load(string?)"/>, so reference.conf supplies every default).
    /// </summary>
    /// <exception cref="HoconException">A setting is missing or has the wrong type or an unknown value; the message names the path.</exception>
    public static ActorSystemSettings FromConfig(Config config)
    {
        ArgumentNullException.ThrowIfNull(config);
        const string Actor = "actorpager.actor";
        var capacity = config.GetInt($"{Actor}.default-mailbox.mailbox-capacity");
        var overflow = Choose(config, $"{Actor}.default-mailbox.overflow", ("dead-letter", MailboxOverflow.DeadLetter), ("reject", MailboxOverflow.Reject));
        return new ActorSystemSettings
        {
            Dispatcher = Choose(config, $"{Actor}.default-dispatcher.type", ("thread-pool", DispatcherKind.ThreadPool), ("deterministic", DispatcherKind.Deterministic)),
            Throughput = Positive(config, $"{Actor}.default-dispatcher.throughput"),
            DefaultMailbox = capacity < 0 ? MailboxOptions.Unbounded with { Overflow = overflow } : capacity == 0
                ? throw Problem(config, $"{Actor}.default-mailbox.mailbox-capacity", "expected -1 (unbounded) or a positive capacity, got 0")
                : MailboxOptions.Bounded(capacity, overflow),
            AskTimeout = config.GetDuration($"{Actor}.ask-timeout"),
            Scheduler = Choose(config, "actorpager.scheduler.type", ("real-time", SchedulerKind.RealTime), ("virtual", SchedulerKind.Virtual)),
            SchedulerTick = config.GetDuration("actorpager.scheduler.tick-duration"),
            TicksPerWheel = Positive(config, "actorpager.scheduler.ticks-per-wheel"),
            Seed = config.GetLong("actorpager.deterministic.seed"),
            Strategy = Choose(config, "actorpager.deterministic.strategy", ("random", "random"), ("pct", "pct"), ("replay", "replay")),
            PctDepth = Positive(config, "actorpager.deterministic.pct-depth"),
            MaxSteps = config.GetLong("actorpager.deterministic.max-steps"),
            LogLevel = Choose(config, "actorpager.log-level", ("debug", LogLevel.Debug), ("info", LogLevel.Info), ("warning", LogLevel.Warning), ("error", LogLevel.Error), ("off", LogLevel.Off)),
        };
    }

    private static int Positive(Config config, string path)
    {
        var value = config.GetInt(path);
        return value >= 1 ? value : throw Problem(config, path, $"expected a positive number, got {value}");
    }

    private static T Choose<T>(Config config, string path, params (string Name, T Value)[] choices)
    {
        var text = config.GetString(path);
        foreach (var (name, value) in choices)
        {
            if (string.Equals(name, text, StringComparison.Ordinal))
            {
                return value;
            }
        }

        throw Problem(config, path, $"expected one of {string.Join(", ", choices.Select(c => c.Name))}, got \"{text}\"");
    }

    private static HoconException Problem(Config config, string path, string problem)
    {
        var origin = config.GetValue(path).Origin;
        return new HoconException(origin.File, origin.Line, origin.Column, path, problem);
    }
}
