/// Private keys made with openssl for the key-loading tests (test-only material).
enum KeyFixtures {
    static let ec256SEC1 = """
        -----BEGIN EC PARAMETERS-----
        BggqhkjOPQMBBw==
        -----END EC PARAMETERS-----
        -----BEGIN EC PRIVATE KEY-----
        MHcCAQEEIDamGjAcWJBv3T0O2tc4AT/PWJegeWHQ9v36VUzIZxlloAoGCCqGSM49
        AwEHoUQDQgAE11AU+Ul38/aw7TOyU72Gzv98Bb2kVImp/51Jj/Dw8mwVCrtvM5cA
        F+bI/SRmsMplxRt7LFIc90Vr6+qLSuoyYA==
        -----END EC PRIVATE KEY-----
        """

    static let ec384SEC1 = """
        -----BEGIN EC PRIVATE KEY-----
        MIGkAgEBBDAofR8cv5ILMhUxHamCm6ebqgedPxpdxlTPVEUstlCn8FkjJIKvy9c8
        Bk0nCSiSNpSgBwYFK4EEACKhZANiAAQVUNWNpdWAw/1P0F+LFy5scLN/ruOZBz/Q
        /DggmoU7BDQEH5S/QsG0SFldHhIwE+IwiIWIN1S9rG7YnW2jE86k7rFvix+kU4RL
        2C3f23A7U9XCfNmMgW8vmbCrRvWu9a8=
        -----END EC PRIVATE KEY-----
        """

    static let ec256PKCS8 = """
        -----BEGIN PRIVATE KEY-----
        MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgNqYaMBxYkG/dPQ7a
        1zgBP89Yl6B5YdD2/fpVTMhnGWWhRANCAATXUBT5SXfz9rDtM7JTvYbO/3wFvaRU
        ian/nUmP8PDybBUKu28zlwAX5sj9JGawymXFG3ssUhz3RWvr6otK6jJg
        -----END PRIVATE KEY-----
        """

    static let rsa2048PKCS1 = """
        -----BEGIN RSA PRIVATE KEY-----
        MIIEpAIBAAKCAQEAx/AKOUete6BromYW6ahbLgx99tv4WHtsEGXszuTFRTMtEl43
        7MfroU2wT2S0jHI7Xyr0vaXQReeIAIumVbBhvydpVKHeGBF3jwN/ws5J8RoT43bg
        z/hzIdx8qWDlCKhxS5z+U610uYmvuqGqUvuddlp7GsuL0ecE2lbIzHDKWV7lw1zs
        OOoqAzdHYZR+AOYfSnRwEAIEbFE8KHEmzojRSc2k+gVGKsvkj8SPe4Yt6HMEqsR1
        YerlwPn8sO/CepWUrEQyq+7zidMD6woVifYiXJk7OH77DZDXk7VEAERtgmzVMyW9
        tkj4KBt9TKRyxQ7ovE+U6k5v0PHBDPVxFgs3NwIDAQABAoIBAAyiGTNHWSnfmA15
        3+bBsYk2Vts7SPTmT4y1tAHaqLBXrHhlpaj7dOMLUqGhnlrleOTphO9aw8828vv9
        1vPBIlv+tIQZejwRFnnd4bvAZyGp4SnVQB1D+JpiISpeqfojEo2RjOxioGZ80bK8
        NlPp/CgXTYIC7IHF1COrqiJo2hBNdxkCCbu2I/LoarDrbkXv+RQfkG+8ttDgCm2G
        A3sX9E97Y/6Un86Kqhjv97UXh1J9iXT4dcGwCFUSSX1PQ38E9PlNiMyL1BqbYaoJ
        qIxtcIb5db+zs6+NJMPrQbxpJOVeKElwY6ZJUqBBZGQCb0+oRpmmuck2rmNpF5eD
        GmTuARECgYEA8Bl6TY88UK+X2+OlHyH2cb1kETcqsJodJZxUCJ/USNBUbxBrEAR/
        9Uhh46NNtT0iWduquhDiorbozFPN3KO6nRFhRYwH+RT5tv5fLaXFoSuAm7lptp8J
        dDJtgm9UWlT8WI7sthsQw/2jl+PvnF95qsiftAlixXeC52OW+uu6Yc8CgYEA1S2t
        x2sP+sTLRpBpdGxtypnSNLp6UJHrLr8G3LUjeftA/GvCP1nDpGBrOXjwq/qzpUaL
        IMFfrN7BGKZIHXXkbRw++J5JewROEDDGMcMN40acUYfFnj3i7N2ZwHlUZCGRBqaH
        uN3dNX1+GZ9tuUYEoI+EZDCUJtnOHbBfpFfqNhkCgYEAp62TXWEgBVVsH7PO2Hw2
        iV5z6RX26Vjn7CFOCqvcbHGZ1erIampKFrnTK1Ab7+ve9pRTmhg6vtowoKoSRfnO
        VO0TWqed1dVRQ/xH6jAwYgtoiNinPFO7HXwuQH6RkXhyt0IxjEhAoC+dtXEJINMI
        vD3aUriPU0rQj9pcUaaZBr8CgYAcPngWwsWUOPyhtcJzDWaigCzMlaRdBmg9gku7
        dDhmEfbzOqe60v7LyYaLT827S3T/wc/vIA+4DK9Sv70wQg1os2RYdkhQByr8lCm+
        MBSn9xQA7Vcudw6YyWd0i961gYkAc5Hp2WNUkfLiHDBiard0Om+VAqauWw8m+dZC
        JO/ACQKBgQCLIiX/MGYdgpDIC8PnNNQ1d6HzW3HA4AqOdFP+J69k9o+AKMCe8Jf2
        r9UTM95CaSKt8+pzWNzRkp86AtsisyUuA9PkL1Kuv8L9Vo7J/iUS3Vl93MarUvIK
        pAXdCeIjOMCZysqSiy/v000Fjf1QJK+j0JdLdSqg6ifNiDQJ0WFrAQ==
        -----END RSA PRIVATE KEY-----
        """

    static let rsa1024PKCS8 = """
        -----BEGIN PRIVATE KEY-----
        MIICdgIBADANBgkqhkiG9w0BAQEFAASCAmAwggJcAgEAAoGBANwjyqqWOjZzKzoK
        7sKwL8TQl3XU6aogyuRO+ZAPyx4sNy6c4scN7AvJVotN9/I5crzAm4PJ4RiWraka
        nMZrNGI6LtIZc/wHYXxEUFKcw0qbHogFEAOfkLaqhXPPH84IA9oBR6G8u8IeTijY
        D7bz6+2jRy+iEwsKjDfEtrNCqaYzAgMBAAECgYApjsgvs/SBWvSKHI4+Sqx55zbw
        k6UY7N/ggdgzDgg2RfqU3iEhmss43mVsHufz3kx+vY2eL3pC/g8CoXd/LbXRi6L0
        7sh0H41RrtyyWyvr6cRRwMQ6/HO0VCRzukDOauGdJPGhftCizRFUvtmOtF4mblAW
        Sj6GbTR4ukvPcX+JYQJBAPXDsDuE8ZuNR0eHHAvqosam1oYm6xBA1MGYcENapWIY
        I+YAPCqMNTOB53UhWWJ/sz6KOt2Rn/w85gn1YZe2pBUCQQDlTuWTfz6QjEGlqlDO
        S6N9uOyRvZC5YpJfmSxLXa97oDoRX0QfrJQqXFDxaL8cdF06o912MMnpv9fWov13
        UssnAkEAxAoN6NxaMZ+XbSoMKEFJCLcKxkYDGZrtW2QyoLeM1tu0vwIO/E2NHoIP
        1DH+8AA3RbrTy+wetwEI6oavC2roJQJAKvWrAQUXvZDpQ5Yy6VM2X/ljKLKxCGo1
        Lf/OUphMpgaQmmyUoLJ+V6lP6MpM85HBXZkRhnEBgu9UCnwirFYwhQJAEvcOvcqH
        7ZWqwqE0Gu0QPLknPiz9zKRGm7YMoxPXxf/WevBQ6dzcquOvCR7us2PYRo+NJfLk
        rEOHheKYcRKPmQ==
        -----END PRIVATE KEY-----
        """

    static let ed25519PKCS8 = """
        -----BEGIN PRIVATE KEY-----
        MC4CAQAwBQYDK2VwBCIEIGmpcSJWVXI2cLUP00dUI/p/SAWm1lTtSMF4j8lBg/tY
        -----END PRIVATE KEY-----
        """
}
