# The alerts page in headless Chromium, driven through chromedriver
# (Debian's python3-selenium and chromium-driver): log in with the token,
# see the alerts with their matched words marked, filter by watchlist and
# by feed, reload without being asked again (sessionStorage), and press a
# silence button.  Prints one "name value" line per fact for tests/page.sh
# to compare; argv: URL TOKEN SCREENSHOT.
import sys
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

url, token, shot = sys.argv[1:4]
opts = webdriver.ChromeOptions()
for a in ("--headless=new", "--no-sandbox", "--disable-gpu",
          "--disable-dev-shm-usage", "--window-size=1100,900"):
    opts.add_argument(a)
opts.binary_location = "/usr/bin/chromium"
d = webdriver.Chrome(service=webdriver.ChromeService("/usr/bin/chromedriver"), options=opts) \
    if hasattr(webdriver, "ChromeService") else webdriver.Chrome(options=opts)
wait = WebDriverWait(d, 60)
try:
    d.get(url)
    wait.until(lambda d: d.find_element(By.ID, "login").is_displayed())
    print("login-shown", 1)
    d.find_element(By.ID, "token").send_keys(token)
    d.find_element(By.CSS_SELECTOR, "#login button").click()
    wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, ".alert")) >= 4)
    alerts = d.find_elements(By.CSS_SELECTOR, ".alert")
    print("alerts", len(alerts))
    print("login-hidden", int(not d.find_element(By.ID, "login").is_displayed()))
    marks = sorted({m.text.lower() for m in d.find_elements(By.CSS_SELECTOR, ".alert mark")})
    print("marks", ",".join(marks))
    print("score", int(any("score 6 / threshold 1" in a.text for a in alerts)))
    print("also_in", int(any("also in" in a.text for a in alerts)))
    Select(d.find_element(By.ID, "fw")).select_by_value("troops-only")
    shown = d.find_elements(By.CSS_SELECTOR, ".alert")
    print("watchlist-filter", len(shown), int(all(" troops-only " in a.text for a in shown)))
    Select(d.find_element(By.ID, "fw")).select_by_value("")
    Select(d.find_element(By.ID, "ff")).select_by_value("wire")
    shown = d.find_elements(By.CSS_SELECTOR, ".alert")
    print("feed-filter", len(shown), int(all(" wire" in a.text for a in shown)))
    Select(d.find_element(By.ID, "ff")).select_by_value("")
    feeds = [r.find_element(By.TAG_NAME, "td").text for r in d.find_elements(By.CSS_SELECTOR, "#feeds tr")]
    print("feeds", ",".join(feeds))
    d.refresh()
    wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, ".alert")) >= 4)
    print("reload-no-login", int(not d.find_element(By.ID, "login").is_displayed()))
    d.save_screenshot(shot)
    btn = [b for b in d.find_elements(By.CSS_SELECTOR, ".alert button.silence")
           if b.text.startswith("silence rur on desk")][0]
    print("button", btn.text)
    btn.click()
    wait.until(lambda d: d.find_element(By.ID, "msg").text.startswith("silence "))
    print("msg", d.find_element(By.ID, "msg").text.split()[1])
    wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#silences tr")) >= 1)
    print("silences-row", d.find_element(By.CSS_SELECTOR, "#silences tr").text.split()[2])
finally:
    d.quit()
