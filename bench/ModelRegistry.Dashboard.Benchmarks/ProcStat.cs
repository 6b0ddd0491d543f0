using System.Globalization;

namespace ModelRegistry.Dashboard.Benchmarks;

/// <summary>CPU time from <c>/proc</c>: of one process, of a process's descendants, and of the whole machine.</summary>
internal static class ProcStat
{
    /// <summary>Clock ticks per second of <c>/proc</c>'s times (<c>getconf CLK_TCK</c>; 100 on Linux x86-64).</summary>
    private const double TicksPerSecond = 100;

    /// <summary>utime + stime of <paramref name="pid"/> (fields 14 and 15 of <c>/proc/PID/stat</c>).</summary>
    public static TimeSpan CpuTime(int pid) => Read(pid) is { } stat ? stat.Cpu : TimeSpan.Zero;

    /// <summary>
    /// The CPU time of every live descendant of <paramref name="root"/> except <paramref name="excluded"/> and its own
    /// descendants: the browser this driver started, without the app.
    /// </summary>
    public static TimeSpan DescendantsCpuTime(int root, int excluded)
    {
        var stats = new List<(int Pid, int Parent, TimeSpan Cpu)>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && Read(pid) is { } stat)
            {
                stats.Add((pid, stat.Parent, stat.Cpu));
            }
        }

        var children = stats.ToLookup(s => s.Parent);
        var total = TimeSpan.Zero;
        var pending = new Stack<int>([root]);
        while (pending.Count > 0)
        {
            foreach (var child in children[pending.Pop()])
            {
                if (child.Pid == excluded)
                {
                    continue;
                }

                total += child.Cpu;
                pending.Push(child.Pid);
            }
        }

        return total;
    }

    /// <summary>Busy time of all cores together (the <c>cpu</c> line of <c>/proc/stat</c>, less idle and iowait).</summary>
    public static TimeSpan MachineBusyTime()
    {
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1)
            .Select(f => long.Parse(f, CultureInfo.InvariantCulture)).ToArray();
        var busy = fields.Take(8).Sum() - fields[3] - fields[4];
        return TimeSpan.FromSeconds(busy / TicksPerSecond);
    }

    private static (int Parent, TimeSpan Cpu)? Read(int pid)
    {
        string text;
        try
        {
            text = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (IOException)
        {
            return null; // exited meanwhile
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }

        // The command name (field 2) may hold spaces and parentheses: the fields after it start past the last ')'.
        var rest = text[(text.LastIndexOf(')') + 2)..].Split(' ');
        var parent = int.Parse(rest[1], CultureInfo.InvariantCulture);
        var ticks = long.Parse(rest[11], CultureInfo.InvariantCulture) + long.Parse(rest[12], CultureInfo.InvariantCulture);
        return (parent, TimeSpan.FromSeconds(ticks / TicksPerSecond));
    }
}
