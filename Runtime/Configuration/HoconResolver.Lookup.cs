namespace ActorPager.Runtime.Configuration;

/// <summary>Looking up a substitution's path.</summary>
internal sealed partial class HoconResolver
{
    /// <summary>What a lookup found.</summary>
    private enum LookupStatus
    {
        /// <summary>A value.</summary>
        Found,

        /// <summary>Nothing at that path.</summary>
        NotFound,

        /// <summary>The path is the field being defined (or inside it) and it has no earlier value.</summary>
        SelfReference,

        /// <summary>The path leads back to a field being resolved through other fields.</summary>
        Cycle,
    }

    private ConfigValue? ResolveSubstitution(ConfigSubstitution subst, ConfigPath fromPath, Context context)
    {
        LookupStatus status;
        ConfigValue? value;
        string? cycle;
        try
        {
            (status, value, cycle) = Lookup(subst.Path, context, fromPath);
            if (status == LookupStatus.NotFound && subst.FallbackPath is not null)
            {
                (status, value, cycle) = Lookup(subst.FallbackPath, context, fromPath);
            }
        }
        catch (CycleException e)
        {
            status = LookupStatus.Cycle;
            value = null;
            cycle = e.Cycle;
        }

        if (status == LookupStatus.Found)
        {
            return value;
        }

        // HOCON.md: cycles count as missing for ${?x}.
        if (status == LookupStatus.Cycle)
        {
            return subst.Optional
                ? null
                : throw HoconException.At(subst.Origin, fromPath.Render(), $"the substitution {subst} is part of a cycle: {cycle}; break the cycle by giving one of these a plain value");
        }

        // Not in the configuration: environment variables stand in for single-key paths.
        var written = subst.FallbackPath ?? subst.Path;
        if (_environment is not null && written.Length == 1 && _environment.TryGetValue(written.Segments[0], out var variable))
        {
            return new ConfigString(subst.Origin, variable, StringKind.Quoted);
        }

        if (subst.Optional)
        {
            return null;
        }

        var problem = status == LookupStatus.SelfReference
            ? $"could not resolve the substitution {subst}: it refers to the field being defined, which has no earlier value to build on; set '{written.Render()}' before this line, or write ${{?{written.Render()}}}"
            : $"could not resolve the substitution {subst}: nothing is set at '{written.Render()}'"
                + (written.Length == 1 && _environment is not null ? " and there is no environment variable of that name" : string.Empty)
                + $"; set it, or write ${{?{written.Render()}}} if it may be missing";
        throw HoconException.At(subst.Origin, fromPath.Render(), problem);
    }

    /// <summary>Finds the final value at <paramref name="path"/> as seen from <paramref name="context"/>, resolving only what lies on the way.</summary>
    private (LookupStatus Status, ConfigValue? Value, string? Cycle) Lookup(ConfigPath path, Context context, ConfigPath fromPath)
    {
        ConfigValue node = _root;
        var replaces = context.ReplacesAnything;
        for (var i = 0; i < path.Length; i++)
        {
            ConfigObject obj;
            if (node is ConfigObject o)
            {
                obj = o;
            }
            else if (!node.IsResolved)
            {
                if (ResolveNode(node, path.Prefix(i), context, isField: true) is not ConfigObject resolved)
                {
                    return (LookupStatus.NotFound, null, null);
                }

                obj = resolved;
            }
            else
            {
                return (LookupStatus.NotFound, null, null);
            }

            if (!obj.TryGetValue(path.Segments[i], out var child))
            {
                return (LookupStatus.NotFound, null, null);
            }

            if (replaces)
            {
                var prefix = path.Prefix(i + 1);
                if (context.Find(prefix) is { } replaced)
                {
                    if (replaced.Merge is null)
                    {
                        // The field being defined: looking at it from inside is a look back
                        // with nothing behind it; reaching it from another field is a cycle.
                        return fromPath.StartsWith(prefix)
                            ? (LookupStatus.SelfReference, null, null)
                            : (LookupStatus.Cycle, null, CycleText(prefix));
                    }

                    var below = ResolveMergePrefix(replaced.Merge, replaced.Count, prefix, replaced.Parent!);
                    if (below is null)
                    {
                        return fromPath.StartsWith(prefix)
                            ? (LookupStatus.SelfReference, null, null)
                            : (LookupStatus.NotFound, null, null);
                    }

                    child = below;
                }
            }

            node = child;
        }

        if (!node.IsResolved)
        {
            var resolved = ResolveNode(node, path, context, isField: true);
            return resolved is null ? (LookupStatus.NotFound, null, null) : (LookupStatus.Found, resolved, null);
        }

        return (LookupStatus.Found, node, null);
    }
}
