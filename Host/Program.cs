using ActorPager.Host;

return await CommandLine.RunAsync(args).ConfigureAwait(false);
