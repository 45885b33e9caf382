namespace ActorPager.Runtime.Configuration;

/// <summary>
/// Resolves substitutions in a whole configuration tree, following HOCON.md's "Substitutions"
/// and "Self-Referential Substitutions" sections:
/// substitutions look forward to the final value of their path; a field whose value is a
/// substitution or a concatenation containing one looks back instead when it refers to itself
/// (it sees only the values merged before it); anything else that comes back to a value being
/// resolved is a cycle. Every resolved node is memoized, so each substitution is resolved once.
/// </summary>
internal sealed partial class HoconResolver
{
    /// <summary>More resolution steps than this means the input is pathological; it is reported instead of running on.</summary>
    private const int MaxSteps = 5_000_000;

    /// <summary>The unresolved tree.</summary>
    private readonly ConfigObject _root;

    /// <summary>Environment variables, or null when they are not consulted.</summary>
    private readonly IReadOnlyDictionary<string, string>? _environment;

    /// <summary>Nodes being resolved right now (node, merge-prefix length or -1): reaching one again is a cycle.</summary>
    private readonly HashSet<(object Node, int Count)> _inProgress = new(new NodeKeyComparer());

    /// <summary>Paths being resolved, outermost first, for cycle messages.</summary>
    private readonly List<ConfigPath> _trace = [];

    /// <summary>Steps taken so far.</summary>
    private int _steps;

    private HoconResolver(ConfigObject root, IReadOnlyDictionary<string, string>? environment)
    {
        _root = root;
        _environment = environment;
    }

    /// <summary>Resolves every substitution under <paramref name="root"/>.</summary>
    /// <exception cref="HoconException">A substitution cannot be resolved, is part of a cycle, or a concatenation mixes types.</exception>
    public static ConfigObject Resolve(ConfigObject root, ConfigResolveOptions options)
    {
        if (root.IsResolved)
        {
            return root;
        }

        IReadOnlyDictionary<string, string>? environment = null;
        if (options.UseEnvironmentVariables)
        {
            environment = options.EnvironmentVariables ?? ReadProcessEnvironment();
        }

        var resolver = new HoconResolver(root, environment);
        var context = new Context(null, null, null, 0);
        return (ConfigObject?)resolver.ResolveNode(root, ConfigPath.Root, context, isField: false) ?? ConfigObject.Empty;
    }

    private static Dictionary<string, string> ReadProcessEnvironment()
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (System.Collections.DictionaryEntry entry in Environment.GetEnvironmentVariables())
        {
            if (entry.Key is string key && entry.Value is string value)
            {
                result[key] = value;
            }
        }

        return result;
    }

    /// <summary>
    /// Resolves one node at <paramref name="path"/>. Null means "undefined": an optional
    /// substitution found nothing, so the field or element is left out.
    /// </summary>
    /// <param name="node">The node to resolve.</param>
    /// <param name="path">Where it sits in the tree.</param>
    /// <param name="context">The resolution in progress (the root, the stack of paths being resolved).</param>
    /// <param name="isField">The node is the value of an object field, so a substitution or concatenation there is potentially self-referential.</param>
    private ConfigValue? ResolveNode(ConfigValue node, ConfigPath path, Context context, bool isField)
    {
        if (node.IsResolved)
        {
            return node;
        }

        if (node is ConfigDelayedMerge merge)
        {
            return ResolveMergePrefix(merge, merge.Items.Count, path, context);
        }

        var memo = context.MemoOwner;
        var key = ((object)node, -1);
        if (memo.Memo.TryGetValue(key, out var cached))
        {
            return cached;
        }

        Step();
        if (!_inProgress.Add(key))
        {
            throw new CycleException(CycleText(path));
        }

        _trace.Add(path);
        ConfigValue? result;
        try
        {
            result = node switch
            {
                ConfigObject obj => ResolveObject(obj, path, context),
                ConfigList list => ResolveList(list, path, context),

                // While resolving a field that is a substitution or concatenation, the field
                // itself is removed from the document it looks things up in (HOCON.md's
                // "possible implementation"), so ${a} in a = ${a} finds no earlier value.
                ConfigSubstitution subst => ResolveSubstitution(subst, path, isField ? new Context(context, path, null, 0) : context),
                ConfigConcatenation concat => ResolveConcatenation(concat, path, isField ? new Context(context, path, null, 0) : context),
                _ => node,
            };
        }
        finally
        {
            _inProgress.Remove(key);
            _trace.RemoveAt(_trace.Count - 1);
        }

        memo.Memo[key] = result;
        return result;
    }

    /// <summary>
    /// Resolves the first <paramref name="count"/> values of a merge stack: the newest first, and
    /// older ones only while the result is an object that may merge with them.
    /// </summary>
    private ConfigValue? ResolveMergePrefix(ConfigDelayedMerge merge, int count, ConfigPath path, Context context)
    {
        if (count == 0)
        {
            return null;
        }

        var memo = context.MemoOwner;
        var key = ((object)merge, count);
        if (memo.Memo.TryGetValue(key, out var cached))
        {
            return cached;
        }

        Step();
        if (!_inProgress.Add(key))
        {
            throw new CycleException(CycleText(path));
        }

        _trace.Add(path);
        ConfigValue? result = null;
        try
        {
            for (var i = count - 1; i >= 0; i--)
            {
                var item = merge.Items[i];
                ConfigValue? value;
                if (item.IsResolved)
                {
                    value = item;
                }
                else if (item is ConfigSubstitution or ConfigConcatenation)
                {
                    // Self-referential candidate: it sees the values below it in the stack in
                    // place of the field.
                    var below = new Context(context, path, merge, i);
                    value = item is ConfigSubstitution s
                        ? ResolveSubstitution(s, path, below)
                        : ResolveConcatenation((ConfigConcatenation)item, path, below);
                }
                else
                {
                    value = ResolveNode(item, path, context, isField: true);
                }

                if (value is null)
                {
                    // An undefined ${?x} leaves the previous value in place.
                    continue;
                }

                if (result is null)
                {
                    result = value;
                }
                else
                {
                    result = ConfigMerge.Merge(value, result);
                }

                if (result is not ConfigObject || value is not ConfigObject)
                {
                    // A non-object hides everything older.
                    break;
                }
            }
        }
        finally
        {
            _inProgress.Remove(key);
            _trace.RemoveAt(_trace.Count - 1);
        }

        memo.Memo[key] = result;
        return result;
    }

    private ConfigObject ResolveObject(ConfigObject obj, ConfigPath path, Context context)
    {
        var result = new ConfigObject(obj.Origin, obj.Count);
        foreach (var (key, child) in obj)
        {
            var value = child.IsResolved ? child : ResolveNode(child, path.Child(key), context, isField: true);
            if (value is not null)
            {
                result.Set(key, value);
            }
        }

        return result;
    }

    private ConfigList ResolveList(ConfigList list, ConfigPath path, Context context)
    {
        var result = new ConfigList(list.Origin, list.Count);
        for (var i = 0; i < list.Count; i++)
        {
            var child = list[i];
            var value = child.IsResolved
                ? child
                : ResolveNode(child, path.Child(i.ToString(System.Globalization.CultureInfo.InvariantCulture)), context, isField: false);
            if (value is not null)
            {
                result.Add(value);
            }
        }

        return result;
    }

    private ConfigValue? ResolveConcatenation(ConfigConcatenation concat, ConfigPath path, Context context)
    {
        var pieces = new List<ConfigValue>(concat.Pieces.Count);
        foreach (var piece in concat.Pieces)
        {
            var value = piece switch
            {
                { IsResolved: true } => piece,
                ConfigSubstitution s => ResolveSubstitution(s, path, context),
                _ => ResolveNode(piece, path, context, isField: false),
            };
            if (value is not null)
            {
                pieces.Add(value);
            }
        }

        return Concatenation.Join(pieces, concat.Origin, path.Render());
    }

    private void Step()
    {
        ConfigEquality.EnsureStack();
        if (++_steps > MaxSteps)
        {
            throw new HoconException($"resolving substitutions took more than {MaxSteps} steps; the configuration's substitutions are too intricate to resolve");
        }
    }

    private string CycleText(ConfigPath repeated)
    {
        var start = _trace.FindIndex(p => p.Equals(repeated));
        if (start < 0)
        {
            start = 0;
        }

        var parts = new List<string>();
        for (var i = start; i < _trace.Count; i++)
        {
            var rendered = _trace[i].Render();
            if (parts.Count == 0 || parts[^1] != rendered)
            {
                parts.Add(rendered);
            }
        }

        parts.Add(repeated.Render());
        return string.Join(" -> ", parts);
    }

    /// <summary>
    /// A view of the document for lookups: a chain of replaced paths. A replaced path holds the
    /// first <see cref="Count"/> values of a merge stack (none: the field is removed).
    /// </summary>
    private sealed class Context(Context? parent, ConfigPath? path, ConfigDelayedMerge? merge, int count)
    {
        /// <summary>Memoized results; only contexts that replace nothing or look back in a merge own one.</summary>
        private Dictionary<(object Node, int Count), ConfigValue?>? _memo;

        /// <summary>The enclosing view.</summary>
        public Context? Parent { get; } = parent;

        /// <summary>The replaced path, or null for the plain document.</summary>
        public ConfigPath? Path { get; } = path;

        /// <summary>The merge stack whose first <see cref="Count"/> values stand in for <see cref="Path"/>, or null when the field is removed.</summary>
        public ConfigDelayedMerge? Merge { get; } = merge;

        /// <summary>How many values of <see cref="Merge"/> are visible.</summary>
        public int Count { get; } = count;

        /// <summary>
        /// Where results are memoized. A context that only removes the field being resolved
        /// shares its parent's memo: a value that depends on the removed field would be a cycle,
        /// which is reported, so everything else resolves the same in both.
        /// </summary>
        public Context MemoOwner
        {
            get
            {
                var owner = this;
                while (owner.Path is not null && owner.Merge is null && owner.Parent is not null)
                {
                    owner = owner.Parent;
                }

                return owner;
            }
        }

        public Dictionary<(object Node, int Count), ConfigValue?> Memo => _memo ??= new Dictionary<(object Node, int Count), ConfigValue?>(new NodeKeyComparer());

        /// <summary>The innermost context replacing exactly <paramref name="prefix"/>, if any.</summary>
        public Context? Find(ConfigPath prefix)
        {
            for (var c = this; c is not null; c = c.Parent)
            {
                if (c.Path is not null && c.Path.Equals(prefix))
                {
                    return c;
                }
            }

            return null;
        }

        /// <summary>Whether any context in the chain replaces a path.</summary>
        public bool ReplacesAnything
        {
            get
            {
                for (var c = this; c is not null; c = c.Parent)
                {
                    if (c.Path is not null)
                    {
                        return true;
                    }
                }

                return false;
            }
        }
    }

    /// <summary>Compares memo keys by node identity.</summary>
    private sealed class NodeKeyComparer : IEqualityComparer<(object Node, int Count)>
    {
        public bool Equals((object Node, int Count) x, (object Node, int Count) y) => ReferenceEquals(x.Node, y.Node) && x.Count == y.Count;

        public int GetHashCode((object Node, int Count) obj) => HashCode.Combine(System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(obj.Node), obj.Count);
    }

    /// <summary>Thrown inside the resolver when a value is reached again while it is being resolved; the substitution that caused it turns it into a message.</summary>
    private sealed class CycleException(string cycle) : Exception(cycle)
    {
        /// <summary>The paths around the cycle, <c>a -> b -> a</c>.</summary>
        public string Cycle { get; } = cycle;
    }
}
