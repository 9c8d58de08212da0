// Check-in and check-out send the phone's position when the browser gives it (and go without it when
// it does not, or the person declines): the form waits at most a few seconds for an answer.
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (!form.classList || !form.classList.contains("wf-position") || form.dataset.located) return;
  if (!("geolocation" in navigator)) return;
  event.preventDefault();
  const send = () => {
    form.dataset.located = "1";
    form.requestSubmit();
  };
  navigator.geolocation.getCurrentPosition(
    (position) => {
      form.querySelector("[name=latitude]").value = position.coords.latitude.toFixed(6);
      form.querySelector("[name=longitude]").value = position.coords.longitude.toFixed(6);
      send();
    },
    send,
    { timeout: 5000, maximumAge: 60000 },
  );
});
