using Akka.Actor;
using Akka.Dispatch;
using Akka.Event;

namespace ActorPager.CrashWorker;

/// <summary>
/// Akka's log events on stderr: the worker's stdout is a line protocol the crash test parses,
/// and Akka's default logger writes to stdout. Configured as the only logger (akka.loggers).
/// </summary>
internal sealed class StandardErrorLogger : ActorBase, IRequiresMessageQueue<ILoggerMessageQueueSemantics>
{
    /// <inheritdoc />
    protected override bool Receive(object message)
    {
        switch (message)
        {
            case InitializeLogger:
                Sender.Tell(new LoggerInitialized());
                return true;
            case LogEvent log:
                Console.Error.WriteLine(log.ToString());
                return true;
            default:
                return false;
        }
    }
}
