"""National code tables shared by the card readers: sex (GB/T 2261.1), nation
(GB/T 3304), nationality (GB/T 2659)."""

from __future__ import annotations

#: GB/T 2261.1 sex codes.
SEX: dict[str, str] = {"0": "未知", "1": "男", "2": "女", "9": "未说明"}

#: GB/T 3304 nation codes (two digits).
NATIONS: dict[str, str] = {
    "01": "汉", "02": "蒙古", "03": "回", "04": "藏", "05": "维吾尔", "06": "苗",
    "07": "彝", "08": "壮", "09": "布依", "10": "朝鲜", "11": "满", "12": "侗",
    "13": "瑶", "14": "白", "15": "土家", "16": "哈尼", "17": "哈萨克", "18": "傣",
    "19": "黎", "20": "傈僳", "21": "佤", "22": "畲", "23": "高山", "24": "拉祜",
    "25": "水", "26": "东乡", "27": "纳西", "28": "景颇", "29": "柯尔克孜", "30": "土",
    "31": "达斡尔", "32": "仫佬", "33": "羌", "34": "布朗", "35": "撒拉", "36": "毛南",
    "37": "仡佬", "38": "锡伯", "39": "阿昌", "40": "普米", "41": "塔吉克", "42": "怒",
    "43": "乌孜别克", "44": "俄罗斯", "45": "鄂温克", "46": "德昂", "47": "保安",
    "48": "裕固", "49": "京", "50": "塔塔尔", "51": "独龙", "52": "鄂伦春", "53": "赫哲",
    "54": "门巴", "55": "珞巴", "56": "基诺", "97": "其他", "98": "外国血统中国籍人士",
}

#: GB/T 2659 alpha-3 codes seen most at Chinese counters; others show as the code.
NATIONALITIES: dict[str, str] = {
    "AFG": "阿富汗", "ARG": "阿根廷", "AUS": "澳大利亚", "AUT": "奥地利", "BEL": "比利时",
    "BGD": "孟加拉国", "BRA": "巴西", "CAN": "加拿大", "CHE": "瑞士", "CHL": "智利",
    "COL": "哥伦比亚", "CZE": "捷克", "DEU": "德国", "DNK": "丹麦", "EGY": "埃及",
    "ESP": "西班牙", "FIN": "芬兰", "FRA": "法国", "GBR": "英国", "GRC": "希腊",
    "HUN": "匈牙利", "IDN": "印度尼西亚", "IND": "印度", "IRL": "爱尔兰", "IRN": "伊朗",
    "ISR": "以色列", "ITA": "意大利", "JPN": "日本", "KAZ": "哈萨克斯坦", "KGZ": "吉尔吉斯斯坦",
    "KHM": "柬埔寨", "KOR": "韩国", "LAO": "老挝", "MEX": "墨西哥", "MMR": "缅甸",
    "MNG": "蒙古", "MYS": "马来西亚", "NLD": "荷兰", "NOR": "挪威", "NPL": "尼泊尔",
    "NZL": "新西兰", "PAK": "巴基斯坦", "PHL": "菲律宾", "POL": "波兰", "PRK": "朝鲜",
    "PRT": "葡萄牙", "ROU": "罗马尼亚", "RUS": "俄罗斯", "SGP": "新加坡", "SWE": "瑞典",
    "THA": "泰国", "TUR": "土耳其", "UKR": "乌克兰", "USA": "美国", "UZB": "乌兹别克斯坦",
    "VNM": "越南", "ZAF": "南非",
}


def sex_name(code: str) -> str:
    return SEX.get(code, "")


def nation_name(code: str) -> str:
    return NATIONS.get(code, "")


def nationality_name(code: str) -> str:
    return NATIONALITIES.get(code, code)
