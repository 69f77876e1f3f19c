"""Photos in a real browser at phone width (docs/rules.md “Phones, photos, offline, NFC”): a trip reported with a camera photo — the upload
shows its progress, a failed upload (network gone, or errors in the form) keeps what was typed and
the photo chosen, and the stored photo is downscaled."""

from datetime import date

import pytest
from PIL import Image

from fieldwork.models import Trip, TripAttachment
from tests.browser.conftest import login, shot
from tests.factories import PASSWORD, make_trip
from tests.fieldwork.test_photo_uploads import photo


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_reporting_with_a_camera_photo_on_a_phone(page, people):
    trip = make_trip(
        people["plan"],
        people["cadre"],
        start=date(2023, 3, 1),
        end=date(2023, 3, 3),
        days="3",
        status=Trip.Status.APPROVED,
    )
    camera = {"name": "IMG_0420.jpg", "mimeType": "image/jpeg", "buffer": photo(4000, 3000, orientation=6)}
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, people["cadre"].email, PASSWORD)
    form_url = page.base_url + f"/dot-di/{trip.pk}/bao-cao/"
    page.goto(form_url)
    assert page.locator("input[type=file]").get_attribute("accept").startswith("image/*,")
    page.fill("textarea[name=results]", "Dự sinh hoạt chi đoàn ấp Tân Đông; hướng dẫn lập sổ")
    page.fill("textarea[name=proposals]", "Hỗ trợ kinh phí in tài liệu")
    page.set_input_files("input[type=file]", [camera])

    # 1. The network is gone: nothing is lost, a message says so.
    page.route("**/bao-cao/", lambda route: route.abort() if route.request.method == "POST" else route.continue_())
    page.get_by_test_id("submit-report").click()
    status = page.locator("[data-upload-status]")
    status.wait_for()
    page.wait_for_function("document.querySelector('[data-upload-status]').textContent.includes('Mất kết nối')")
    assert page.url == form_url
    assert page.input_value("textarea[name=results]") == "Dự sinh hoạt chi đoàn ấp Tân Đông; hướng dẫn lập sổ"
    assert page.eval_on_selector("input[type=file]", "i => i.files.length") == 1
    assert page.get_by_test_id("submit-report").is_enabled()
    shot(page, "phone/upload-network-failed")
    page.unroute("**/bao-cao/")
    assert not TripAttachment.objects.exists()

    # 2. The form has an error: the page comes back with the error, the typed text and the photo.
    page.fill("input[name=location]", "")
    page.get_by_test_id("submit-report").click()
    page.locator("#id_location.is-invalid").wait_for()
    assert page.input_value("textarea[name=proposals]") == "Hỗ trợ kinh phí in tài liệu"
    assert page.eval_on_selector("input[type=file]", "i => i.files.length") == 1
    assert not TripAttachment.objects.exists()

    # 3. Sent: progress is reported up to 100 %, the trip page shows the message and the photo.
    page.evaluate(
        "window.uploadProgress = []; document.addEventListener('upload:progress', e => uploadProgress.push(e.detail.percent))"
    )
    page.fill("input[name=location]", "Ấp Tân Đông, xã Tân Đông")
    page.get_by_test_id("submit-report").click()
    page.wait_for_url(f"**/dot-di/{trip.pk}/")
    assert "Đã gửi báo cáo kết quả" in page.locator(".alert-success").inner_text()
    assert page.evaluate("Math.max(...window.uploadProgress)") == 100
    assert page.get_by_text("IMG_0420.jpg").is_visible()
    shot(page, "phone/upload-sent")
    att = TripAttachment.objects.get(trip=trip)
    with att.file.open("rb") as fh:
        assert Image.open(fh).size == (1536, 2048)
    trip.refresh_from_db()
    assert (trip.status, trip.location) == (Trip.Status.REPORTED, "Ấp Tân Đông, xã Tân Đông")
