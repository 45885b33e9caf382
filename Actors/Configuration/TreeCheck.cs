using Akka.Configuration.Hocon;

namespace ActorPager.Actors;

/// <summary>
/// Refuses a tree Akka's reader built that the getters and walkers cannot use safely: one in
/// which following substitutions leads back to where it started, or one nested deeper than
/// <see cref="MaxDepth"/>. Akka's reader resolves <c>${a}</c> to the node at <c>a</c> in the final
/// tree, so <c>a = ${a}</c> or <c>a { b = ${a} }</c> parse without complaint but make a cycle
/// that every getter and walker would follow until the stack overflows, ending the process; and
/// the walkers recurse once per level. This check reads the tree (without recursion) and parses
/// nothing.
/// </summary>
internal static class TreeCheck
{
    /// <summary>The deepest nesting of objects, lists and substitutions accepted.</summary>
    public const int MaxDepth = 1000;

    /// <summary>Walks the tree (children and substitution targets) depth first, without recursion.</summary>
    /// <param name="root">The root of a tree Akka's reader built.</param>
    /// <param name="source">The file (or variable) the tree came from, for the message.</param>
    /// <exception cref="ConfigException">A substitution leads back to a value that contains it, or the tree is too deep.</exception>
    public static void Check(HoconValue root, string source)
    {
        var onStack = new HashSet<HoconValue>(ReferenceEqualityComparer.Instance);
        var done = new HashSet<HoconValue>(ReferenceEqualityComparer.Instance);
        var stack = new Stack<Frame>();
        stack.Push(new Frame(root, string.Empty));
        onStack.Add(root);
        while (stack.Count > 0)
        {
            var frame = stack.Peek();
            if (frame.Next >= frame.Edges.Count)
            {
                stack.Pop();
                onStack.Remove(frame.Value);
                done.Add(frame.Value);
                continue;
            }

            var (target, path, via) = frame.Edges[frame.Next++];
            if (done.Contains(target))
            {
                continue;
            }

            if (onStack.Contains(target))
            {
                throw new ConfigException(source, frame.Path.Length == 0 ? null : frame.Path, CycleProblem(via));
            }

            if (stack.Count >= MaxDepth)
            {
                // Name the top-level setting; the full path would be a thousand segments long.
                throw new ConfigException(source, stack.ElementAt(stack.Count - 2).Path, $"nested deeper than {MaxDepth} levels");
            }

            onStack.Add(target);
            stack.Push(new Frame(target, path));
        }
    }

    private static string CycleProblem(HoconSubstitution? via) => via switch
    {
        { Path.Length: 0 } =>
            "Akka's reader read a substitution here as ${} (it does not read optional substitutions ${?...}), which stands for the whole configuration and so contains itself",
        not null =>
            $"the substitution ${{{via.Path}}} leads back to this value (a cycle): Akka's reader resolves a substitution to the final value at its path, so a setting cannot build on its own earlier value",
        null => "this value contains itself (a cycle)",
    };

    /// <summary>One value being walked: its outgoing edges and how many have been followed.</summary>
    private sealed class Frame
    {
        public Frame(HoconValue value, string path)
        {
            Value = value;
            Path = path;
            foreach (var element in value.Values)
            {
                switch (element)
                {
                    case HoconObject obj:
                        foreach (var (key, child) in obj.Items)
                        {
                            Edges.Add((child, path.Length == 0 ? key : path + "." + key, null));
                        }

                        break;
                    case HoconArray array:
                        for (var i = 0; i < array.Count; i++)
                        {
                            Edges.Add((array[i], $"{path}[{i}]", null));
                        }

                        break;
                    case HoconSubstitution { ResolvedValue: { } resolved } substitution:
                        Edges.Add((resolved, substitution.Path, substitution));
                        break;
                }
            }
        }

        /// <summary>The value.</summary>
        public HoconValue Value { get; }

        /// <summary>Where it is (a path in the tree, or the path of the substitution that led here).</summary>
        public string Path { get; }

        /// <summary>Children and substitution targets.</summary>
        public List<(HoconValue Target, string Path, HoconSubstitution? Via)> Edges { get; } = [];

        /// <summary>The next edge to follow.</summary>
        public int Next { get; set; }
    }
}
