package org.cxrplatform.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.cxrplatform.contracts.Lane;
import org.cxrplatform.contracts.ModelIdentity;
import org.cxrplatform.contracts.ReportEvent;
import org.cxrplatform.testsupport.RisPeer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The worklist page in headless Debian Chromium: a radiologist signs in, accepts one draft, edits
 * one and rejects one; the real MLLP listener must receive the final, corrected and withdrawn results.
 */
@QuarkusTest
class WorklistBrowserTest {

    static RisPeer ris;
    static WebDriver browser;

    @TestHTTPResource("/index.html")
    URL page;

    @BeforeAll
    static void start() {
        HookServer.shared();
        ris = ReportServiceResources.ris();
        browser = WorklistPage.chromium();
    }

    @AfterAll
    static void stop() throws Exception {
        if (browser != null) {
            browser.quit();
        }
    }

    @Test
    void radiologistAcceptsEditsAndRejectsAndTheRisGetsFinalAndCorrectedResults() {
        String tag = "WEB" + UUID.randomUUID().toString().substring(0, 6);
        ModelIdentity model = new ModelIdentity(
                "ECOFRI/CXR-LLAVA-v2", "b70" + UUID.randomUUID().toString().replace("-", ""), "web", "greedy");
        ReportEvent toAccept =
                Fixtures.report(tag + "-1", Fixtures.patient(tag), Lane.STAT, "Small left pleural effusion.", model);
        ReportEvent toEdit =
                Fixtures.report(tag + "-2", Fixtures.patient(tag + "B"), Lane.ROUTINE, "No acute findings.", model);
        ReportEvent toReject =
                Fixtures.report(tag + "-3", Fixtures.patient(tag + "C"), Lane.ROUTINE, "Cardiomegaly.", model);
        for (ReportEvent e : List.of(toAccept, toEdit, toReject)) {
            Fixtures.publish(e);
        }
        try {
            StudyImageTest.publishStudy(toAccept, Lane.STAT, StudyImageTest.png(1), null);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        for (ReportEvent e : List.of(toAccept, toEdit, toReject)) {
            ReviewAndSecurityTest.awaitStored(e);
        }
        org.awaitility.Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(() -> io.restassured.RestAssured.given()
                                .auth()
                                .oauth2(Fixtures.viewer())
                                .get("/api/reports/" + toAccept.reportId() + "/image")
                                .statusCode()
                        == 200);

        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(20));
        browser.get(page.toString());
        browser.findElement(By.id("user")).clear();
        browser.findElement(By.id("user")).sendKeys("dr.browser");
        new Select(browser.findElement(By.id("role"))).selectByVisibleText("radiologist");
        browser.findElement(By.id("login")).click();
        wait.until(d -> d.findElement(By.id("who")).getText().contains("dr.browser"));

        WorklistPage.openReport(wait, toAccept.reportId());
        // the study image, fetched with the bearer token and shown decoded (16 × 12 px)
        wait.until(d -> d.findElement(By.id("detail-image")).isDisplayed()
                && Long.valueOf(16)
                        .equals(((org.openqa.selenium.JavascriptExecutor) d)
                                .executeScript("return document.getElementById('detail-image').naturalWidth")));
        browser.findElement(By.id("accept")).click();
        wait.until(d -> d.findElement(By.id("detail-status")).getText().equals("ACCEPTED"));

        WorklistPage.openReport(wait, toEdit.reportId());
        WebElement text = browser.findElement(By.id("detail-text"));
        text.clear();
        text.sendKeys("Moderate right pleural effusion. No pneumothorax.");
        browser.findElement(By.id("edit")).click();
        wait.until(d -> d.findElement(By.id("detail-status")).getText().equals("EDITED"));
        wait.until(d -> d.findElement(By.cssSelector("#detail-findings tbody"))
                .getText()
                .contains("PRESENT"));

        WorklistPage.openReport(wait, toReject.reportId());
        browser.findElement(By.id("reject-reason")).sendKeys("artefact");
        browser.findElement(By.id("reject")).click();
        wait.until(d -> d.findElement(By.id("detail-status")).getText().equals("REJECTED"));

        // the live acceptance figure for this model version: 1 of 3 accepted as written
        wait.until(d -> {
            try {
                return d.findElement(
                                By.cssSelector("#acceptance tr[data-model='" + model.version() + "'] .rate-accepted"))
                        .getText()
                        .startsWith("33.3 %");
            } catch (org.openqa.selenium.NoSuchElementException | StaleElementReferenceException e) {
                return false;
            }
        });

        // the live quality table: this model version's current ISO week, 1 of 3 accepted as written
        String week = org.cxrplatform.report.quality.QualityService.isoWeek(java.time.Instant.now());
        wait.until(d -> {
            try {
                return d.findElement(By.cssSelector("#quality-weeks tr[data-model='" + model.version()
                                + "'][data-week='" + week + "'] .q-accepted"))
                        .getText()
                        .startsWith("33.3 % (1)");
            } catch (org.openqa.selenium.NoSuchElementException | StaleElementReferenceException e) {
                return false;
            }
        });

        await().atMost(Duration.ofSeconds(30))
                .until(() -> ris.accepted().stream()
                                .filter(r -> r.accession().startsWith(tag))
                                .count()
                        == 6);
        List<String> results = ris.accepted().stream()
                .filter(r -> r.accession().startsWith(tag))
                .map(r -> r.accession().substring(tag.length()) + ":" + r.resultStatus() + "/" + r.obx11())
                .toList();
        assertThat(results).containsExactlyInAnyOrder("-1:P/P", "-2:P/P", "-3:P/P", "-1:F/F", "-2:F/F", "-3:P/W");
        assertThat(ris.accepted().stream()
                        .filter(r -> r.accession().equals(tag + "-2")
                                && r.resultStatus().equals("F"))
                        .findFirst()
                        .orElseThrow()
                        .text())
                .isEqualTo("Moderate right pleural effusion. No pneumothorax.");
    }
}
