package org.cxrplatform.report;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.net.URL;
import java.time.Duration;
import java.util.UUID;
import org.cxrplatform.contracts.Lane;
import org.cxrplatform.contracts.ReportEvent;
import org.cxrplatform.testsupport.OidcProvider;
import org.cxrplatform.testsupport.RisPeer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Sign-on in headless Debian Chromium against the real OpenID provider: the worklist sends the
 * radiologist to the provider (authorization code flow with PKCE, which the provider requires),
 * a wrong password is refused there, the right one brings them back signed in with the role from
 * their token; they sign a report that arrived through Kafka, the RIS receives the final result
 * signed by them, and they sign out at the provider.
 */
@QuarkusTest
@TestProfile(SignOnProfile.class)
class SignOnBrowserTest {

    static RisPeer ris;
    static WebDriver browser;

    @TestHTTPResource("/")
    URL page;

    @BeforeAll
    static void start() {
        HookServer.shared();
        ris = ReportServiceResources.ris();
        browser = WorklistPage.chromium();
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.quit();
        }
    }

    @Test
    void aRadiologistSignsInAtTheProviderSignsAReportAndSignsOut() {
        String tag = "SSO" + UUID.randomUUID().toString().substring(0, 6);
        ReportEvent event =
                Fixtures.report(tag, Fixtures.patient(tag), Lane.STAT, "Small left pleural effusion.", Fixtures.MODEL);
        Fixtures.publish(event);
        String service = SignOnProfile.tokens().clientCredentials(OidcProvider.API_RADIOLOGIST, null);
        await().atMost(Duration.ofSeconds(30))
                .until(() -> given().auth()
                                .oauth2(service)
                                .get("/api/reports/" + event.reportId())
                                .statusCode()
                        == 200);

        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));
        browser.get(page.toString());
        wait.until(d -> d.findElement(By.id("sso-login")).isDisplayed());
        assertThat(browser.findElement(By.id("dev-login")).isDisplayed())
                .as("no dev tokens with sign-on in production settings")
                .isFalse();
        browser.findElement(By.id("sso-login")).click();

        // at the provider's sign-in page
        wait.until(d -> d.getCurrentUrl().startsWith(System.getProperty(SignOnProfile.ISSUER) + "/interaction/"));
        signIn(OidcProvider.RADIOLOGIST, "wrong-password");
        wait.until(d -> d.findElement(By.id("error")).getText().contains("Wrong user name or password"));
        signIn(OidcProvider.RADIOLOGIST, OidcProvider.RADIOLOGIST_PASSWORD);

        // back on the worklist, signed in with the role from the access token
        wait.until(d -> d.findElement(By.id("who")).getText().equals(OidcProvider.RADIOLOGIST + " (radiologist)"));
        assertThat(browser.getCurrentUrl()).startsWith(page.toString());
        WorklistPage.openReport(wait, event.reportId());
        browser.findElement(By.id("accept")).click();
        wait.until(d -> d.findElement(By.id("detail-status")).getText().equals("ACCEPTED"));

        assertThat(given().auth()
                        .oauth2(service)
                        .get("/api/reports/" + event.reportId())
                        .then()
                        .statusCode(200)
                        .extract()
                        .path("reviewedBy")
                        .toString())
                .isEqualTo(OidcProvider.RADIOLOGIST);
        await().atMost(Duration.ofSeconds(30))
                .until(() -> ris.forAccession(event.accessionNumber()).stream()
                        .anyMatch(o -> o.resultStatus().equals("F")));

        browser.findElement(By.id("logout")).click();
        // the provider asks for confirmation of the sign-out
        wait.until(d -> d.findElement(By.cssSelector("button[value='yes']"))).click();
        wait.until(d -> d.getCurrentUrl().startsWith(page.toString())
                && d.findElement(By.id("sso-login")).isDisplayed());
        assertThat(browser.findElement(By.id("who")).getText()).isEqualTo("not signed in");
    }

    private static void signIn(String user, String password) {
        browser.findElement(By.id("username")).clear();
        browser.findElement(By.id("username")).sendKeys(user);
        browser.findElement(By.id("password")).sendKeys(password);
        browser.findElement(By.id("sign-in")).click();
    }
}
