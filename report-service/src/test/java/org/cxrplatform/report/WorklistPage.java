package org.cxrplatform.report;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import org.openqa.selenium.By;
import org.openqa.selenium.NoSuchElementException;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/** The worklist page in the browser tests: Debian's headless Chromium through /usr/bin/chromedriver, and opening a report. */
final class WorklistPage {

    private WorklistPage() {}

    /** A new headless Chromium with an empty profile. */
    static WebDriver chromium() {
        try {
            ChromeOptions options = new ChromeOptions();
            options.setBinary("/usr/bin/chromium");
            options.addArguments(
                    "--headless",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-dev-shm-usage",
                    // without these Chromium reaches for Google's hosts, which this closed network refuses
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                    "--no-first-run",
                    "--user-data-dir=" + Files.createTempDirectory("cxr-chromium-"),
                    "--window-size=1400,1000");
            ChromeDriverService service = new ChromeDriverService.Builder()
                    .usingDriverExecutable(new File("/usr/bin/chromedriver"))
                    .usingAnyFreePort()
                    .build();
            return new ChromeDriver(service, options);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Clicks the report's worklist row (re-tried only while the row is missing or re-rendered) and waits for its detail. */
    static void openReport(WebDriverWait wait, String reportId) {
        wait.until(d -> {
            try {
                d.findElement(By.cssSelector("#worklist tr[data-id='" + reportId + "']"))
                        .click();
                return true;
            } catch (NoSuchElementException | StaleElementReferenceException e) {
                return false;
            }
        });
        wait.until(d -> reportId.equals(d.findElement(By.id("detail-panel")).getAttribute("data-id")));
    }
}
