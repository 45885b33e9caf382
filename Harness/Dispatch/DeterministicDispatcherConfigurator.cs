using Akka.Configuration;
using Akka.Dispatch;

namespace ActorPager.Harness.Dispatch;

/// <summary>
/// Makes the <see cref="DeterministicDispatcher"/> of an actor system; Akka.NET constructs it from
/// the dispatcher section that names it (<c>type = "ActorPager.Harness.Dispatch.DeterministicDispatcherConfigurator, ActorPager.Harness"</c>).
/// One dispatcher per system: every lookup of the section returns the same instance.
/// </summary>
public sealed class DeterministicDispatcherConfigurator : MessageDispatcherConfigurator
{
    private readonly DeterministicDispatcher _instance;

    /// <summary>Called by Akka.NET with the dispatcher's section and the system's prerequisites.</summary>
    /// <exception cref="ConfigurationException">The system's scheduler is not the <see cref="VirtualTimeScheduler"/>.</exception>
    public DeterministicDispatcherConfigurator(Config config, IDispatcherPrerequisites prerequisites)
        : base(config, prerequisites)
    {
        ArgumentNullException.ThrowIfNull(prerequisites);
        var clock = prerequisites.Scheduler as VirtualTimeScheduler
            ?? throw new ConfigurationException(
                $"the deterministic dispatcher needs virtual time: set akka.scheduler.implementation = \"{typeof(VirtualTimeScheduler).AssemblyQualifiedName}\" (the scheduler is {prerequisites.Scheduler.GetType().FullName})");
        _instance = new DeterministicDispatcher(this, clock);
    }

    /// <inheritdoc />
    public override MessageDispatcher Dispatcher() => _instance;
}
