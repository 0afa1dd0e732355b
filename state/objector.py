"""Who may object (异议): the 公示 accepts no anonymous objections, so an objector gives a name in letters and a
contact the investigating department can reach (a mainland phone number or an e-mail address), and says
something of substance. Contacts are kept in one form (phones in E.164 ``+86…``, e-mail addresses trimmed and
case-folded) so that the caps on pending objections count one contact once however it was written."""

import ipaddress
import re
import unicodedata

from state.text import visible

NAME_MIN = 2
CONTENT_MIN = 8
MOBILE = re.compile(r"1[3-9][0-9]{9}")
# Landlines: 0 + area code (010 and 02x: two digits; the others three) + a 7- or 8-digit number.
LANDLINE = re.compile(r"0(?:10|2[0-9]|[3-9][0-9]{2})[1-9][0-9]{6,7}")
EMAIL = re.compile(r"[^@\s]{1,64}@[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+")
SEPARATORS = re.compile(r"[\s\-().]")
IPV4_PREFIX, IPV6_PREFIX = 24, 48


class ObjectorProblem(ValueError):
    def __init__(self, rule: str, message: str) -> None:
        super().__init__(message)
        self.rule = rule
        self.message = message  # Chinese, for the objector


def check_name(name: str) -> str:
    shown = visible(name)
    if len(shown) < NAME_MIN or not any(ch.isalpha() for ch in shown):
        raise ObjectorProblem(
            "objector_name",
            f"请填写真实姓名（至少{NAME_MIN}个字，须含汉字或字母，不能只有数字或符号）；本公示不受理匿名异议",
        )
    return name.strip()


def check_content(content: str) -> str:
    shown = visible(content)
    if len(shown) < CONTENT_MIN or not any(ch.isalpha() for ch in shown):
        raise ObjectorProblem(
            "objection_content",
            f"请写明异议的具体事实和理由（至少{CONTENT_MIN}个字，不能只有数字或符号）",
        )
    return content


def normal_contact(contact: str) -> str | None:
    """The contact in its one form: ``+86`` and the national number without its trunk 0 for a phone, the address
    trimmed and case-folded for e-mail; None when it is neither."""
    text = unicodedata.normalize("NFKC", visible(contact))  # full-width digits and ＠ as their ASCII selves
    if "@" in text:
        address = text.casefold()
        return address if EMAIL.fullmatch(address) else None
    digits = SEPARATORS.sub("", text)
    for prefix in ("+86", "0086", "86"):
        if digits.startswith(prefix) and len(digits) - len(prefix) >= 9:
            rest = digits[len(prefix) :]
            digits = rest if MOBILE.fullmatch(rest) else "0" + rest.lstrip("0")
            break
    if MOBILE.fullmatch(digits):
        return "+86" + digits
    if LANDLINE.fullmatch(digits):
        return "+86" + digits[1:]
    return None


def check_contact(contact: str) -> str:
    normal = normal_contact(contact)
    if normal is None:
        raise ObjectorProblem(
            "objector_contact",
            "请填写能联系到您的手机号码、固定电话（含区号）或电子邮箱",
        )
    return normal


def same_contact(a: str, b: str) -> bool:
    """One contact however written (objections recorded before contacts were normalised compare too)."""
    return (normal_contact(a) or a.strip()) == (normal_contact(b) or b.strip())


def network_of(address: str) -> str:
    """The network an address is counted in: its /24 (IPv4) or /48 (IPv6); the address itself when it is not an
    IP address (a test client's name)."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    prefix = IPV4_PREFIX if ip.version == 4 else IPV6_PREFIX
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False))
