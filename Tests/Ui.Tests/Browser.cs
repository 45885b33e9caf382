using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;
using OpenQA.Selenium.Support.UI;

namespace ActorPager.Ui.Tests;

/// <summary>
/// Debian's chromium, headless, driven through Debian's chromium-driver (both installed by
/// <c>.ci/run</c> with apt-get). The driver and the browser are named by path and Selenium Manager
/// is kept offline, so nothing is downloaded. Outside CI a machine without them skips the tests
/// (<see cref="BrowserFactAttribute"/>); under <c>CI=true</c> they fail instead.
/// </summary>
internal sealed class Browser : IDisposable
{
    /// <summary>Debian's chromium.</summary>
    public const string ChromiumPath = "/usr/bin/chromium";

    /// <summary>Debian's chromium-driver.</summary>
    public const string DriverPath = "/usr/bin/chromedriver";

    /// <summary>How long a condition may take to come true: generous, the machine may be loaded.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private Browser(ChromeDriver driver)
    {
        Driver = driver;
    }

    /// <summary>Why the browser tests cannot run here, or null when chromium and its driver are installed.</summary>
    public static string? Missing =>
        File.Exists(ChromiumPath) && File.Exists(DriverPath)
            ? null
            : $"{(File.Exists(ChromiumPath) ? "" : ChromiumPath + " ")}{(File.Exists(DriverPath) ? "" : DriverPath + " ")}missing: install Debian's chromium and chromium-driver (apt-get install -y chromium chromium-driver; .ci/run does)";

    /// <summary>True under CI, where a missing browser fails the tests rather than skipping them.</summary>
    public static bool UnderCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>The driver.</summary>
    public ChromeDriver Driver { get; }

    /// <summary>Starts a headless chromium with a 1280x900 window.</summary>
    /// <exception cref="InvalidOperationException">Chromium or its driver is not installed (under CI; elsewhere the test was skipped).</exception>
    public static Browser Start()
    {
        if (Missing is { } missing)
        {
            throw new InvalidOperationException("the browser tests need chromium: " + missing);
        }

        // Selenium Manager is asked for nothing when the driver and the browser are given, and offline in any case.
        Environment.SetEnvironmentVariable("SE_OFFLINE", "true");
        var service = ChromeDriverService.CreateDefaultService(Path.GetDirectoryName(DriverPath)!, Path.GetFileName(DriverPath));
        service.SuppressInitialDiagnosticInformation = true;
        service.HideCommandPromptWindow = true;
        var options = new ChromeOptions { BinaryLocation = ChromiumPath };
        options.AddArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1280,900", "--no-first-run", "--disable-extensions");
        return new Browser(new ChromeDriver(service, options, TimeSpan.FromSeconds(120)));
    }

    /// <summary>Waits until <paramref name="condition"/> returns something other than null or false; fails saying <paramref name="what"/> it waited for.</summary>
    public T WaitFor<T>(string what, Func<IWebDriver, T> condition) => WaitFor(Patience, what, condition);

    /// <summary>Waits up to <paramref name="patience"/> until <paramref name="condition"/> returns something other than null or false; fails saying <paramref name="what"/> it waited for.</summary>
    public T WaitFor<T>(TimeSpan patience, string what, Func<IWebDriver, T> condition)
    {
        var wait = new WebDriverWait(Driver, patience) { Message = $"waited {patience.TotalSeconds:0} s for {what}" };
        wait.IgnoreExceptionTypes(typeof(StaleElementReferenceException), typeof(NoSuchElementException));
        return wait.Until(condition);
    }

    /// <summary>The element with <paramref name="id"/>, once it exists.</summary>
    public IWebElement ById(string id) => WaitFor($"#{id}", d => d.FindElement(By.Id(id)));

    /// <summary>Saves a screenshot as TestResults/ui/<paramref name="name"/>.png at the repository's root.</summary>
    public string Screenshot(string name)
    {
        var dir = Path.Combine(RepositoryRoot, "TestResults", "ui");
        Directory.CreateDirectory(dir);
        var file = Path.Combine(dir, name + ".png");
        Driver.GetScreenshot().SaveAsFile(file);
        return file;
    }

    /// <summary>The repository's root: the first directory above the tests holding ActorPager.sln.</summary>
    public static string RepositoryRoot
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "ActorPager.sln")))
                {
                    return dir.FullName;
                }
            }

            throw new InvalidOperationException($"no ActorPager.sln above {AppContext.BaseDirectory}");
        }
    }

    /// <summary>Quits chromium and its driver.</summary>
    public void Dispose()
    {
        Driver.Quit();
        Driver.Dispose();
    }
}

/// <summary>
/// A browser test: skipped with the reason when chromium or chromium-driver is missing, except
/// under <c>CI=true</c>, where the test runs and fails saying what is missing.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class BrowserFactAttribute : FactAttribute
{
    /// <summary>Marks the test skipped outside CI when the browser is missing.</summary>
    public BrowserFactAttribute()
    {
        if (Browser.Missing is { } missing && !Browser.UnderCi)
        {
            Skip = "browser test skipped: " + missing;
        }
    }
}

/// <summary>A browser test on a cluster: also needs PostgreSQL, and is skipped without it, as the Cluster.Tests are.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class BrowserClusterFactAttribute : FactAttribute
{
    /// <summary>Marks the test skipped when PostgreSQL is not configured, or (outside CI) the browser is missing.</summary>
    public BrowserClusterFactAttribute()
    {
        if (Cluster.Tests.TestDatabase.SkipReason is { } noDatabase)
        {
            Skip = noDatabase;
        }
        else if (Browser.Missing is { } missing && !Browser.UnderCi)
        {
            Skip = "browser test skipped: " + missing;
        }
    }
}
